"""Errors of motion and lip sync that a person can act on (bad audio files, unknown controls)."""

from __future__ import annotations


class MotionError(Exception):
    """A problem a user or caregiver can act on; the message names the file or value and what to do."""

    is_user_error = True
