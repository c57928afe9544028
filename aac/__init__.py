"""aac-avatar: the application (boards, prediction, access methods, UI, command line)."""

import os

# pygame greets on import; the aid prints only what its user needs.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
