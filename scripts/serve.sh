#!/usr/bin/env bash
# The main job: set up, validate the repository's own data, build the site and serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/ftzkb validate
.venv/bin/ftzkb site build
.venv/bin/ftzkb site serve "$@"
