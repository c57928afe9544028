"""The face: photo -> rig, motion generation, the renderer, the audio-to-viseme model."""

from speech.no_network import stay_offline

# the lip-sync model runs on onnxruntime, which sends usage telemetry unless told not to
stay_offline()
