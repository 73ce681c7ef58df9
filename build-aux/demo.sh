#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# demo.sh PREFIX
#
# Opens the app installed under PREFIX on a throwaway data folder, with the
# platform simulator running and one demo connector per platform. Nothing
# outside the temporary folder is touched; everything started here is
# stopped when the app closes.

set -eu

prefix=${1:?usage: demo.sh PREFIX}
here=$(cd "$(dirname "$0")" && pwd)

# The service talks to the app over the session bus; a desktop has one, a
# bare machine or an SSH session may not: bring a private one along.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
  exec dbus-run-session -- "$0" "$@"
fi

demo_dir=$(mktemp -d "${TMPDIR:-/tmp}/yunqiao-demo.XXXXXX")
pids=""
cleanup () {
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$demo_dir"
}
trap cleanup EXIT INT TERM

export YUNQIAO_DATA_DIR="$demo_dir/data"
export YUNQIAO_SECRETS=file
# Window size and other preferences stay in the throwaway folder too.
export GSETTINGS_BACKEND=keyfile
export XDG_CONFIG_HOME="$demo_dir/config"
export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export GSETTINGS_SCHEMA_DIR="$prefix/share/glib-2.0/schemas"
export PATH="$prefix/bin:$prefix/libexec:$PATH"
mkdir -p "$YUNQIAO_DATA_DIR"

echo "Demo data folder: $YUNQIAO_DATA_DIR"

if [ -x "$prefix/libexec/yunqiao-sim" ] && [ -x "$prefix/bin/yunqiaoctl" ]; then
  # shellcheck source=build-aux/demo-sim.sh
  . "$here/demo-sim.sh"
fi

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -x "$prefix/libexec/yunqiao-service" ]; then
  "$prefix/libexec/yunqiao-service" --foreground &
  pids="$pids $!"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: the app cannot open. The simulator and the data folder" >&2
  echo "stay up until you press Ctrl+C." >&2
  wait
  exit 0
fi

"$prefix/bin/yunqiao"
