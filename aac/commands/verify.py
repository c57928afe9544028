"""`aac-avatar verify FILE [--json]`: was this video, picture or sound made by aac-avatar?

Exit status: 0 when a sign of aac-avatar is found (an intact manifest, the frame mark or the voice
mark), 1 when none is, 2 when the file cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from aac.provenance.verify import describe, verify

    verdict = verify(Path(args.file))
    if args.json:
        print(json.dumps(verdict.as_dict()))
    else:
        stream = sys.stderr if verdict.problem else sys.stdout
        for line in describe(verdict):
            print(line if not verdict.problem else f"aac-avatar: {line}", file=stream)
    if verdict.problem:
        return 2
    return 0 if verdict.made_by_aac_avatar else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify", help="tell whether a video, picture or sound was made by aac-avatar (credentials and marks)",
        description="Checks the C2PA content credentials and the invisible marks in the pictures and the voice. "
                    "Exit status 0: made by aac-avatar; 1: no sign of it; 2: the file cannot be read.",
    )
    parser.add_argument("file", help="an mp4, webm, mov, wav, png or jpg file, or a folder of frames")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of sentences")
    parser.set_defaults(func=run)
