#!/usr/bin/env bash
# Keeps one tracking issue for broken links in step with the latest link report:
# opens it (or updates its body) while links are broken, closes it once they work.
# Usage: link-issue.sh REPORT_JSON REPORT_MARKDOWN   (gh CLI; GH_TOKEN, GH_REPO, RUN_URL)
set -euo pipefail
json="${1:-reports/links.json}"
markdown="${2:-reports/links.md}"
title="${LINK_ISSUE_TITLE:-Broken links found by the scheduled link check}"
run_url="${RUN_URL:-}"

if [ ! -f "$json" ]; then
  echo "link-issue: $json is missing; the link check did not finish, issue left as it is" >&2
  exit 1
fi
ok=$(python3 -c 'import json, sys; print(str(json.load(open(sys.argv[1])).get("ok") is True).lower())' "$json")
number=$(gh issue list --state open --limit 100 --search "in:title $title" \
  --json number,title --jq ".[] | select(.title == \"$title\") | .number" | head -n 1)

if [ "$ok" = "true" ]; then
  if [ -n "$number" ]; then
    gh issue close "$number" --comment "All links work again: ${run_url:-latest run}."
    echo "link-issue: closed #$number"
  fi
  exit 0
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  echo "The scheduled link check found broken links. Each run updates this issue; it is"
  echo "closed automatically once every link works."
  echo
  if [ -n "$run_url" ]; then echo "Latest run: $run_url"; echo; fi
  if [ -f "$markdown" ]; then head -c 60000 "$markdown"; fi
} > "$body"
if [ -n "$number" ]; then
  gh issue edit "$number" --body-file "$body"
  echo "link-issue: updated #$number"
else
  gh issue create --title "$title" --body-file "$body"
fi
