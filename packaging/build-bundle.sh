#!/usr/bin/env bash
# Build the PyInstaller bundle (dist/trustnxt-desktop/) from a clean virtualenv.
# Usage: packaging/build-bundle.sh        Output: dist/trustnxt-desktop/{trustnxt-desktop,trustnxt}
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_VENV="${TRUSTNXT_BUILD_VENV:-$ROOT/build/venv}"
PYTHON="${PYTHON:-python3}"
cd "$ROOT"
if [ ! -x "$BUILD_VENV/bin/python" ]; then
  "$PYTHON" -m venv "$BUILD_VENV"
fi
log="$ROOT/build/bundle.log"
mkdir -p "$ROOT/build"
{
  "$BUILD_VENV/bin/python" -m pip install --upgrade pip
  # Only what the app needs at run time, plus the bundler: whatever else is installed gets bundled.
  "$BUILD_VENV/bin/python" -m pip install "$ROOT" "pyinstaller==6.22.3" "pyinstaller-hooks-contrib==2026.9"
} >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
"$BUILD_VENV/bin/python" packaging/make_icons.py build/icons
"$BUILD_VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/trustnxt-desktop.spec
echo "bundle: $ROOT/dist/trustnxt-desktop ($(du -sh "$ROOT/dist/trustnxt-desktop" | cut -f1))"
