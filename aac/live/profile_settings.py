"""The live engine's settings from a profile."""

from __future__ import annotations

from aac.live.engine import EngineSettings
from aac.live.overlays import OverlaySettings
from avatar.motion.controls import MotionControls
from profiles.consent import label_off_confirmed
from profiles.schema import Profile


def engine_settings(profile: Profile, width: int | None = None, height: int | None = None,
                    fps: float | None = None) -> EngineSettings:
    """Frame size and rate, overlays and face controls of `profile` (arguments override the size and rate)."""
    avatar, outputs = profile.avatar, profile.outputs
    controls = MotionControls(
        emotion=avatar.default_emotion,
        intensity=avatar.emotion_intensity,
        gaze_x=avatar.gaze.x,
        gaze_y=avatar.gaze.y,
        # the profile's 0..1 scale has 0.5 as natural; the motion's 0..2 has 1.0
        head_motion=2.0 * avatar.head_motion,
    )
    overlays = OverlaySettings(
        captions=avatar.overlays.captions,
        typing_indicator=avatar.overlays.typing_indicator,
        # Off only when turning it off was confirmed and recorded (`profile label NAME off`).
        ai_label=avatar.overlays.ai_label or not label_off_confirmed(profile),
    )
    return EngineSettings(
        width=width or outputs.width, height=height or outputs.height, fps=fps or outputs.fps,
        overlays=overlays, controls=controls,
    )
