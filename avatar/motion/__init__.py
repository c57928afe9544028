"""Motion: utterances (audio, and phone timing where the voice has it) -> rig parameters per frame.

`track_for_utterance` makes a whole `MotionTrack`; `MotionGenerator` makes frames for a live
loop, forever, with idle motion between (and under) what is said.
"""
