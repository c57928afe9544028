"""One module per `aac-avatar bench NAME`; each defines `register(subparsers)`.

A benchmark prints figures, never asserts timings; with `--json` it prints one flat JSON
object whose keys carry their units (`first_audio_ms_median`, `fps_512`).
"""
