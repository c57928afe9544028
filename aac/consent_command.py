"""`aac-avatar profile consent NAME` and `aac-avatar profile label NAME on|off`: the records that
let a face be shown and say what others are told."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from profiles.consent import ConsentSteps, consent_problem, label_off_confirmed
from profiles.errors import ProfileError
from profiles.store import ProfileStore


class ConsentCommandError(ValueError):
    """A consent step that cannot be done as asked."""

    is_user_error = True


def record_consent(store: ProfileStore, name: str, stdin=None, stdout=None, interactive: bool | None = None) -> bool:
    """Ask the consent steps for profile `name`'s photo and save the record; False when not agreed."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    loaded = store.open(name)
    if loaded.photo_path is None:
        raise ConsentCommandError(
            f"profile {name!r} has no photo (it shows a painted face of nobody), so no consent is needed. "
            f"Fix: `aac-avatar avatar build PHOTO --profile {name}` adds a photo and asks for consent"
        )
    if not loaded.photo_path.is_file():
        raise ProfileError(f"{loaded.photo_path}: the profile's photo is missing. Fix: build the avatar again "
                           f"with `aac-avatar avatar build PHOTO --profile {name}`")
    steps = ConsentSteps(stdin, stdout, stdin.isatty() if interactive is None else interactive)
    updated = steps.run(loaded.profile, loaded.photo_path)
    if updated is None:
        return False
    path = store.save(updated)
    print(f"Consent recorded for {loaded.photo_path.name} in {path}.", file=stdout)
    return True


def _consent(args: argparse.Namespace) -> int:
    store = ProfileStore(args.profiles_dir)
    return 0 if record_consent(store, args.name) else 1


def _label(args: argparse.Namespace) -> int:
    store = ProfileStore(args.profiles_dir)
    loaded = store.open(args.name)
    profile = loaded.profile
    overlays = profile.avatar.overlays
    if args.state == "on":
        updated = profile.model_copy(update={
            "avatar": profile.avatar.model_copy(update={"overlays": overlays.model_copy(update={"ai_label": True})}),
            "consent": profile.consent.model_copy(update={"label_off_date": None, "label_off_by": None}),
        })
        store.save(updated)
        print(f'The "AI avatar" label is on for profile {args.name!r}.')
        return 0
    steps = ConsentSteps(sys.stdin, sys.stdout, sys.stdin.isatty())
    ask = steps.asker
    ask.say('The "AI avatar" label tells the people in a call that the face they see is made by a computer.')
    ask.say("The video keeps its invisible mark either way; without the label, people can only find out "
            "by checking a recording.")
    if not ask.ask_yes_no("Turn the label off?", False):
        print("The label stays on.")
        return 1
    by = ask.ask("Who confirms this? ('self', or your name)", profile.consent.set_up_by or "self", _non_empty)
    updated = profile.model_copy(update={
        "avatar": profile.avatar.model_copy(update={"overlays": overlays.model_copy(update={"ai_label": False})}),
        "consent": profile.consent.model_copy(update={"label_off_date": dt.date.today(), "label_off_by": by}),
    })
    path = store.save(updated)
    print(f'The "AI avatar" label is off for profile {args.name!r}; recorded ({by}, {dt.date.today()}) in {path}.')
    return 0


def _non_empty(text: str) -> str:
    if not text.strip():
        raise ValueError("an answer is needed; type it and press Enter")
    return text.strip()


def consent_state(store: ProfileStore, name: str) -> str:
    """One line on whether profile `name`'s face may be shown, for messages after a build."""
    loaded = store.open(name)
    problem = consent_problem(loaded.profile, loaded.directory)
    label = "on" if loaded.profile.avatar.overlays.ai_label or not label_off_confirmed(loaded.profile) else "off"
    if problem is None:
        return f'consent on record; "AI avatar" label {label}'
    return f"{problem.message}. Fix: {problem.fix}"


def add_consent_commands(commands: argparse._SubParsersAction) -> None:
    """Register `consent` and `label` under `aac-avatar profile`."""
    consent = commands.add_parser(
        "consent", help="record, step by step, that the person pictured (or their guardian) agrees")
    consent.add_argument("name", help="the profile whose photo it is")
    consent.set_defaults(func=_consent)
    label = commands.add_parser("label", help='turn the on-video "AI avatar" label off (asks, and records it) or on')
    label.add_argument("name")
    label.add_argument("state", choices=["on", "off"])
    label.set_defaults(func=_label)
