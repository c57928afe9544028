"""Make PyPI's torchaudio importable beside the CPU build of torch (run by scripts/setup.sh --neural).

coqui-tts imports torchaudio. PyPI's torchaudio 2.11 wheel for Linux carries a native extension built
against the CUDA build of torch 2.11 (it needs libc10_cuda.so), which cannot load beside torch 2.13's CPU
build, and `import torchaudio` then fails. Everything coqui's synthesis uses from torchaudio (resampling,
spectrograms) is pure Python on torch; only forced alignment and CTC decoding need the extension, and
torchaudio runs without it when its files are absent. So, only when the import fails for that reason,
the extension's files are renamed aside (`*.so` -> `*.so.unloadable`), which torchaudio's loader skips.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

_IMPORT = [sys.executable, "-c", "import torchaudio, torchaudio.functional"]


def main() -> int:
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or spec.origin is None:
        return 0
    first = subprocess.run(_IMPORT, capture_output=True, text=True)
    if first.returncode == 0:
        return 0
    if "Could not load this library" not in first.stderr and "libc10" not in first.stderr:
        print(f"torchaudio_cpu: torchaudio does not import, for another reason:\n{first.stderr[-1000:]}",
              file=sys.stderr)
        return 1
    for library in (Path(spec.origin).parent / "lib").glob("*.so"):
        library.rename(library.with_name(library.name + ".unloadable"))
    second = subprocess.run(_IMPORT, capture_output=True, text=True)
    if second.returncode != 0:
        print(f"torchaudio_cpu: torchaudio still does not import:\n{second.stderr[-1000:]}", file=sys.stderr)
        return 1
    print("torchaudio_cpu: torchaudio's CUDA-only extension set aside; its Python parts run on the CPU torch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
