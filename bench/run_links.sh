#!/usr/bin/env bash
# Side-by-side link-checker benchmark: this project's links stage next to LinkChecker,
# linkinator and markdown-link-check on the shared 2,000-link corpus and loopback server,
# then the cold/warm cache measurement. Needs ../shared/bench (not part of a user's clone).
#
#   bench/run_links.sh              # REPS=3 tuned runs of every checker, peers' defaults skipped
#   REPS=1 bench/run_links.sh       # quicker
# Raw outputs: /tmp/peerbench/run-<time>/ (tables in its results/); warm cache: bench/out/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=$(cd "$HERE/../../shared/bench" && pwd)
export DEFAULTS=${DEFAULTS:-0} REPS=${REPS:-3}
export PROJECT_LINKCHECK="$HERE/../.venv/bin/python $HERE/project_links.py --report {report}"
"$SHARED/run_peers.sh" install links summary
"$HERE/../.venv/bin/python" "$HERE/warm_cache.py"
