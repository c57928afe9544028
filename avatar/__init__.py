"""The face: photo -> rig, motion generation, the renderer, the audio-to-viseme model."""

import os

# the lip-sync model runs on onnxruntime, which sends usage telemetry unless told not to
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
