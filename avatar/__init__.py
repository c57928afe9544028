"""The face: photo -> rig, motion generation, the renderer, the audio-to-viseme model."""
