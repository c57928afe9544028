"""The lip-sync model's resampler: `speech.resample` (numpy, the samples of scipy's `resample_poly`),
named here so the model's code and its callers keep one import."""

from speech.resample import StreamResampler, resample

__all__ = ["StreamResampler", "resample"]
