#!/usr/bin/env bash
# Install whatever is missing, then return. Safe to run again: with nothing
# missing it only checks (a few seconds).
#
#   tools/setup.sh          system packages for rendering, .venv, editable install
#   tools/setup.sh test     the same, plus Chromium for the pages' browser tests and the
#                           test-only npm packages of tests/js (scorm-again, axe-core)
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-lecture}
case "$purpose" in
  lecture|test) ;;
  *) echo "setup: unknown purpose '$purpose' (allowed: lecture, test)" >&2; exit 2 ;;
esac

# Debian packages: pycairo/manimpango build from source (pango, pkg-config),
# Manim's TeX template (texlive-latex-extra), its SVG converter (dvisvgm),
# the lecture's font (DejaVu Sans) and its default voice (flite, offline speech).
packages=(libpango1.0-dev pkg-config texlive-latex-extra dvisvgm fonts-dejavu-core flite)
# The tests also open pages in Chromium, and the PowerPoint in LibreOffice Impress (drawn by poppler).
[ "$purpose" = test ] && packages+=(chromium libreoffice-impress poppler-utils)
[ "$purpose" = test ] && ! command -v node >/dev/null 2>&1 && packages+=(nodejs npm)

PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  packages+=(python3 python3-venv python3-dev)
  PYTHON=python3
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run this as root, then run the same make command again:" >&2
    echo "  sudo sh -c '$cmd'" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  sh -c "$cmd"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the project's requirements changed.
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
have=$(cat .venv/.installed 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  echo "setup: installing the project (editable) into .venv"
  if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e '.[test]'; } \
      > .venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "setup: pip install failed; full log: .venv/install.log" >&2
    exit 1
  fi
  echo "$want" > .venv/.installed
fi

# Test-only JavaScript, installed exactly as locked, again only when the lock changed.
if [ "$purpose" = test ]; then
  want_js=$(sha256sum tests/js/package-lock.json | cut -d' ' -f1)
  have_js=$(cat tests/js/node_modules/.installed 2>/dev/null || true)
  if [ "$want_js" != "$have_js" ]; then
    echo "setup: installing tests/js (npm ci)"
    npm ci --prefix tests/js --no-audit --no-fund > .venv/npm.log 2>&1 || { tail -n 20 .venv/npm.log >&2; exit 1; }
    echo "$want_js" > tests/js/node_modules/.installed
  fi
fi
