#!/usr/bin/env bash
# Runs the checks CI runs: ruff, then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q -rs "$@"
