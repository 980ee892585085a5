#!/usr/bin/env bash
# Bundles stage benchmark: cold build, warm (unchanged) rebuild and peak memory on the
# synthetic bilingual corpus of ../shared/bench (gen_corpus.py), REPS times per size.
#   bash bench/bundles.sh                 # sizes 1000 and 5000 pairs, 3 repetitions
#   SIZES=1000 REPS=1 bash bench/bundles.sh
# Prints a Markdown table; raw /usr/bin/time output stays in bench/out/bundles/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
OUT=$ROOT/bench/out/bundles
SIZES=${SIZES:-"1000 5000"}
REPS=${REPS:-3}
PY=$ROOT/.venv/bin/python
CLI=$ROOT/.venv/bin/seo-pipeline
mkdir -p "$OUT"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f\n", $2/1024}' "$1"; }

echo "| pairs | pages | cold wall s (median) | all cold runs s | warm wall s | peak RSS MiB | files written cold / warm |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  project=$OUT/project-$n
  if [ ! -d "$project/content" ]; then
    rm -rf "$project"
    "$PY" "$SHARED/gen_corpus.py" --out "$project" --pairs "$n" --public --no-html --no-hugo >/dev/null
    cp "$ROOT/site.toml" "$project/site.toml"
    cp -r "$ROOT/locales" "$project/locales"
  fi
  colds=()
  for rep in $(seq 1 "$REPS"); do
    rm -rf "$project/dist"
    /usr/bin/time -v -o "$OUT/cold-$n-$rep.time" "$CLI" bundles --root "$project" --format json \
      > "$OUT/cold-$n-$rep.json"
    colds+=("$(wall "$OUT/cold-$n-$rep.time")")
  done
  /usr/bin/time -v -o "$OUT/warm-$n.time" "$CLI" bundles --root "$project" --format json \
    > "$OUT/warm-$n.json"
  cold=$(printf '%s\n' "${colds[@]}" | median)
  pages=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['data']['articles'])" \
    "$OUT/warm-$n.json")
  written() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['data']['written'])" "$1"; }
  echo "| $n | $pages | **$cold** | ${colds[*]} | $(wall "$OUT/warm-$n.time") |" \
       "$(rss "$OUT/cold-$n-1.time") | $(written "$OUT/cold-$n-$REPS.json") / $(written "$OUT/warm-$n.json") |"
done
