#!/usr/bin/env bash
# Inside the private D-Bus session of scripts/with-test-keyring: unlock the keyring, start the
# sound server, run the command, stop the sound server, pass the command's exit code on.
echo -n "throwaway-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
pa=""
if command -v pulseaudio >/dev/null 2>&1; then
  pulseaudio --daemonize=no --exit-idle-time=-1 -n --use-pid-file=no \
    --load="module-native-protocol-unix" --load="module-null-sink sink_name=speakers" \
    --load="module-null-source source_name=microphone" --log-target=stderr --log-level=error \
    2>"$HOME/pulseaudio.log" &
  pa=$!
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  pactl set-default-source microphone >/dev/null 2>&1 || echo "warning: no PulseAudio null microphone" >&2
fi
"$@"
status=$?
[ -n "$pa" ] && kill "$pa" 2>/dev/null
exit $status
