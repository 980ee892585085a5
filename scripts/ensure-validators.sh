#!/usr/bin/env bash
# Installs what the validator tests and `make audit` need when it is missing: a Java
# runtime from Debian (default-jre-headless) for the Nu HTML Checker, Debian's chromium
# (through ensure-chromium.sh) for Lighthouse, and the npm packages pinned in
# tools/validators/package-lock.json (Lighthouse 12, vnu-jar, chrome-launcher).
# npm runs with --ignore-scripts: vnu-jar's install script would download a JDK, and the
# Debian runtime serves instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/../tools/validators"
bash "$here/ensure-chromium.sh"
if ! command -v java >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing default-jre-headless (Debian) for the Nu HTML Checker..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js 20 and npm are needed for Lighthouse; install them first" >&2
  exit 1
fi
stamp="$tools/node_modules/.installed-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$tools/package-lock.json" "$stamp"; then
  echo "installing the validators pinned in tools/validators (npm ci)..."
  (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$tools/package-lock.json" "$stamp"
fi
