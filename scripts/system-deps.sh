#!/usr/bin/env bash
# Checks the system packages the portal needs and installs the missing ones with
# apt when run as root; otherwise prints the exact command and fails.
#   scripts/system-deps.sh            WeasyPrint libraries + gettext (make run / make test)
#   scripts/system-deps.sh --ci       also chromium and poppler-utils (browser tests, PDF checks)
set -euo pipefail

want=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

have_lib 'libpango-1.0.so.0' || want+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || want+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz.so.0' || want+=(libharfbuzz0b)
have_lib 'libharfbuzz-subset.so.0' || want+=(libharfbuzz-subset0)
have_lib 'libfontconfig.so.1' || want+=(libfontconfig1)
command -v msgfmt >/dev/null 2>&1 || want+=(gettext)
if [[ "${1:-}" == "--ci" ]]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
  command -v pg_isready >/dev/null 2>&1 || want+=(postgresql-client)
  command -v redis-cli >/dev/null 2>&1 || want+=(redis-tools)
  command -v curl >/dev/null 2>&1 || want+=(curl)
fi

if [[ ${#want[@]} -eq 0 ]]; then
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${want[*]}"
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "Missing system packages: ${want[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
