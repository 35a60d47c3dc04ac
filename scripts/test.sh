#!/usr/bin/env bash
# The test command: sets itself up on a fresh machine, then lints and runs every test
# (including the real-browser tests in Debian's headless chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check tools tests
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
