# Shared by scripts/run-app and scripts/test: make a fresh Debian/Ubuntu machine able to run us.
# Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TRUSTNXT_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

# Qt widgets + multimedia, fonts, and a Secret Service for the keyring.
APP_PACKAGES=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 libfontconfig1 libdbus-1-3
              libpulse0 libxrandr2 fonts-dejavu-core gnome-keyring dbus)
TEST_PACKAGES=(pulseaudio pulseaudio-utils)

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: the README lists what to install
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {  # $1: extras, e.g. "[test]"
  local extras="${1:-}"
  local stamp="$VENV/.trustnxt-stamp"
  local want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)$extras"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Setting up $VENV (first run takes a few minutes)..." >&2
    local log="$VENV/install.log"
    if ! { "$VENV/bin/python" -m pip install --upgrade pip && "$VENV/bin/python" -m pip install -e "$ROOT$extras"; } >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      echo "Installing Python packages failed; the full log is $log" >&2
      return 1
    fi
    echo "$want" > "$stamp"
  fi
}
