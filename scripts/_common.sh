# Shared by scripts/run-app, scripts/test and .ci/run: make a fresh Debian/Ubuntu machine able to run us.
# Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TRUSTNXT_VENV:-$ROOT/.venv}"
# The system libraries Qt links (its X11 window plugin, multimedia, fonts) are listed in one place,
# trustnxt_desktop/linux_runtime.py, which the .deb's Depends and the app's launcher use too.
RUNTIME_TABLE="$ROOT/trustnxt_desktop/linux_runtime.py"
# A silent microphone (PulseAudio); a virtual X screen with a window finder for the real-window test;
# pdftotext (poppler-utils) reads the PDF reports back; cjxl (libjxl-tools) makes the JPEG XL files the
# format tests protect; strace watches that inspection opens no network socket; postgresql: the manifest
# repository's PostgreSQL tests start their own throwaway server from it (tests/postgres_server.py).
TEST_PACKAGES=(pulseaudio pulseaudio-utils xvfb xdotool poppler-utils libjxl-tools strace postgresql)

_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
_APT_UPDATED=""
_apt_install() {  # install packages quietly, refreshing the package lists once per run
  command -v apt-get >/dev/null 2>&1 || { echo "Please install: $*" >&2; return 1; }
  echo "Installing system packages: $*" >&2
  [ -n "$_APT_UPDATED" ] || { _sudo apt-get -o DPkg::Lock::Timeout=300 update -qq; _APT_UPDATED=1; }
  _sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: docs/install-linux.md lists what to install
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] || _apt_install "${missing[@]}"
}

_python_ok() {  # $1: interpreter; 3.11 or newer with venv support (Debian splits ensurepip out)
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

ensure_python() {  # sets PYTHON to a usable interpreter, installing one on Debian/Ubuntu if needed
  local candidates=("${PYTHON:-python3}" python3 python3.13 python3.12 python3.11)
  for py in "${candidates[@]}"; do _python_ok "$py" && { PYTHON="$py"; return 0; }; done
  if command -v apt-get >/dev/null 2>&1; then
    _apt_install python3 python3-venv
    _python_ok python3 && { PYTHON=python3; return 0; }
    # Ubuntu 22.04 ships 3.10 as python3; 3.11 is a separate package there.
    _apt_install python3.11 python3.11-venv && _python_ok python3.11 && { PYTHON=python3.11; return 0; }
  fi
  echo "TrustNXT Desktop needs Python 3.11 or newer with the venv module." >&2
  return 1
}

ensure_qt_libraries() {  # install the package of every library in the table the loader cannot find
  command -v apt-get >/dev/null 2>&1 || return 0   # not Debian: the launcher names what is missing
  [ -n "$("$PYTHON" "$RUNTIME_TABLE" missing-libraries)" ] || return 0
  [ -n "$_APT_UPDATED" ] || { _sudo apt-get -o DPkg::Lock::Timeout=300 update -qq; _APT_UPDATED=1; }
  local packages
  read -r -a packages <<< "$("$PYTHON" "$RUNTIME_TABLE" missing-packages)"
  _apt_install "${packages[@]}"
}

ensure_app_runtime() {  # Python, Qt's libraries, fonts and a Secret Service
  ensure_python
  ensure_qt_libraries
  local desktop
  read -r -a desktop <<< "$("$PYTHON" "$RUNTIME_TABLE" desktop-packages)"
  ensure_debian_packages "${desktop[@]}"
  # pdqhash (the PDQ fingerprint of soft bindings) publishes no wheel: pip compiles it from source.
  ensure_debian_packages g++ "$(basename "$PYTHON")-dev"
}

ensure_venv() {  # $1: extras, e.g. "[test]"
  local extras="${1:-}"
  local stamp="$VENV/.trustnxt-stamp"
  local want
  want="$(sha256sum < "$ROOT/pyproject.toml" | cut -c1-16)$extras"
  if [ ! -x "$VENV/bin/python" ]; then
    [ -n "${PYTHON:-}" ] || ensure_python
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
