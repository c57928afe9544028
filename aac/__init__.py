"""aac-avatar: the application (boards, prediction, access methods, UI, command line)."""

import os

# pygame greets on import; the aid prints only what its user needs.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from speech.no_network import stay_offline  # noqa: E402 - after the setting above, before any library

# the app's libraries (captions' huggingface_hub among them) stay offline, whichever package loads first
stay_offline()
