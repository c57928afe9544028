"""`aac-avatar avatar build|pose|sheet`: make a profile's face from a photo, and look at it."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aac.arguments import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    input_file,
    number,
    output_file,
    unwritable_reason,
    whole_number,
)

DEFAULT_PROFILE = "default"
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg")


class AvatarCommandError(ValueError):
    """A mistake on the command line (a bad --set, an unwritable output)."""

    is_user_error = True


@dataclass(frozen=True)
class ProfileFace:
    """Where a profile's face comes from: its photo, its rig cache, and whether that cache may be written."""

    photo: Path
    rig: Path
    writable: bool
    width: int
    height: int


def _store(args: argparse.Namespace):
    from profiles.store import ProfileStore

    return ProfileStore(args.profiles_dir)


def profile_face(args: argparse.Namespace, name: str) -> ProfileFace:
    """Resolve a profile's photo and rig paths (the shipped default face when it names no photo)."""
    from aac.rig_for_profile import face_files

    loaded = _store(args).open(name)
    outputs = loaded.profile.outputs
    photo, rig = face_files(loaded, for_calls=False)  # a local preview while setting up
    writable = loaded.photo_path is not None and not loaded.bundled
    return ProfileFace(photo, rig, writable, outputs.width, outputs.height)


def load_face_rig(args: argparse.Namespace, name: str):
    """The rig of a profile: from its cache when it matches the photo, else built (and cached when allowed)."""
    from aac.rig_for_profile import load_profile_rig

    store = _store(args)
    face = profile_face(args, name)
    return load_profile_rig(store, store.open(name), quiet=True, for_calls=False), face


def _parse_sets(pairs: list[str]) -> dict[str, float]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise AvatarCommandError(f"--set {pair!r}: write NAME=VALUE, e.g. --set jaw_open=0.7")
        try:
            values[name.strip()] = number(what=name.strip())(value)
        except argparse.ArgumentTypeError as exc:
            raise AvatarCommandError(f"--set {pair!r}: {exc}") from None
    return values


def _save_png(image, path: Path) -> None:
    from PIL import Image

    from aac.live.video_file import discard, put_in_place, temp_beside

    temp = None
    try:  # a picture of the person's face: owner-only, and never half-written over an earlier one
        temp = temp_beside(Path(path))
        Image.fromarray(image).save(temp)
        put_in_place(temp, Path(path))
    except (OSError, ValueError) as exc:
        if temp is not None:
            discard(temp)
        raise AvatarCommandError(f"{path}: cannot write the picture ({exc})") from None


def _build(args: argparse.Namespace) -> int:
    from aac.consent_command import record_consent
    from avatar.from_photo import rig_from_photo
    from avatar.rig import rig_to_bytes
    from profiles.consent import consent_problem, photo_digest, stale_photos, without_consent
    from profiles.schema import Profile

    photo = Path(args.photo)
    store = _store(args)
    # the name and the place first: a second of building is not spent on a profile that cannot be saved
    profile = store.load(args.profile) if store.exists(args.profile) else Profile(name=args.profile)
    problem = unwritable_reason(store.root / args.profile / "profile.yaml")
    if problem:
        raise AvatarCommandError(f"profile {args.profile!r} cannot be saved in {store.root}: {problem}")
    print(f"checking {photo} and building the face (a few seconds)...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    rig = rig_from_photo(photo)  # checks the photo first: nothing is written for a photo that will not do
    built_s = time.perf_counter() - started
    photo_name = "photo" + (photo.suffix.lower() or ".png")
    if profile.consent.photo_sha256 != photo_digest(photo):
        profile = without_consent(profile)  # consent belongs to the face it was given for, not to the profile
    updated = profile.model_copy(
        update={"avatar": profile.avatar.model_copy(update={"photo": photo_name, "rig": "rig.npz"})}
    )
    path = store.save(updated, files={photo_name: photo, "rig.npz": rig_to_bytes(rig)})
    for stale in stale_photos(path.parent, photo_name):  # one photo per profile: the replaced one goes
        stale.unlink()
    print(f"face found in {photo}")
    print(f"rig built in {built_s:.2f} s and saved with profile {args.profile!r}: {path.parent}")
    if consent_problem(updated, path.parent) is None:
        return 0
    if args.consent or sys.stdin.isatty():
        print()
        if record_consent(store, args.profile):
            return 0
    print(f"No consent is recorded for this photo, so calls and recordings will not show it. Once the person "
          f"pictured (or their guardian) agrees: `aac-avatar profile consent {args.profile}`")
    return 0


def _renderer(rig, width: int, height: int):
    from avatar.render import Renderer

    return Renderer(rig, width, height)


def _pose(args: argparse.Namespace) -> int:
    from avatar import params

    try:
        values = params.from_dict(_parse_sets(args.set or []))
    except ValueError as exc:
        if getattr(exc, "is_user_error", False):
            raise
        raise AvatarCommandError(str(exc)) from None
    rig, face = load_face_rig(args, args.profile)
    renderer = _renderer(rig, args.width or face.width, args.height or face.height)
    try:
        frame = renderer.render(values)
    finally:
        renderer.release()
    _save_png(frame, Path(args.output))
    print(f"{args.output}: {frame.shape[1]}x{frame.shape[0]} rendered with {renderer.gl_renderer}")
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from avatar.from_photo import rig_from_photo
    from avatar.sheet import contact_sheet

    rig = rig_from_photo(args.photo) if args.photo else load_face_rig(args, args.profile)[0]
    renderer = _renderer(rig, 512, 512)
    try:
        sheet = contact_sheet(renderer, tile_px=args.tile)
    finally:
        renderer.release()
    _save_png(sheet, Path(args.output))
    print(f"{args.output}: contact sheet, rendered with {renderer.gl_renderer}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("avatar", help="build the face from a photo, render poses and contact sheets")
    commands = parser.add_subparsers(dest="avatar_command", metavar="ACTION")

    build = commands.add_parser("build", help="check a photo, build the rig, store both in a profile")
    build.add_argument("photo", type=input_file, help="a photo of one face, looking at the camera (JPEG or PNG)")
    build.add_argument("--profile", default=DEFAULT_PROFILE, help="profile to store the face in (default: default)")
    build.add_argument("--consent", action="store_true",
                       help="ask the consent steps now even when the answers are piped (a terminal is always asked)")
    build.set_defaults(func=_build)

    pose = commands.add_parser("pose", help="render one frame with any rig parameters")
    pose.add_argument("--profile", default=DEFAULT_PROFILE)
    pose.add_argument("--set", action="append", metavar="NAME=VALUE",
                      help="a rig parameter (see avatar/params.py), e.g. jaw_open=0.7; repeat for more")
    pose.add_argument("--width", type=FRAME_WIDTH, default=None, help="default: the profile's output width")
    pose.add_argument("--height", type=FRAME_HEIGHT, default=None, help="default: the profile's output height")
    pose.add_argument("-o", "--output", type=output_file(*PICTURE_SUFFIXES), required=True, help="PNG file to write")
    pose.set_defaults(func=_pose)

    sheet = commands.add_parser("sheet", help="render every viseme, blink, brow, emotion and head turn, labelled")
    sheet.add_argument("--profile", default=DEFAULT_PROFILE)
    sheet.add_argument("--photo", type=input_file, default=None,
                       help="build from this photo instead (nothing is stored)")
    sheet.add_argument("--tile", type=whole_number(64, 1024, "tile size in pixels"), default=256,
                       help="tile size in pixels")
    sheet.add_argument("-o", "--output", type=output_file(*PICTURE_SUFFIXES), required=True, help="PNG file to write")
    sheet.set_defaults(func=_sheet)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)
