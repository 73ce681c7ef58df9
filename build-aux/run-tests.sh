#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-tests.sh BUILDDIR
#
# Runs every test suite of a configured and compiled build directory:
# the plain suites directly, the display suite under a virtual X server,
# and the integration suite on a private D-Bus session bus. Benchmarks are
# not run here (see `make bench`).

set -u

builddir=${1:?usage: run-tests.sh BUILDDIR}
logdir="$builddir/meson-logs"
status=0
passed=0
failed=0
skipped=0

count () {
  # meson prints a summary block: "Ok:  N", "Fail: N", "Skipped: N", ...
  log="$1"
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  tout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  xpass=$(sed -n 's/^Unexpected Pass: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${fail:-0} + ${tout:-0} + ${xpass:-0}))
  skipped=$((skipped + ${skip:-0}))
}

run () {
  name="$1"
  shift
  log="$logdir/run-tests-$name.txt"
  echo "==> $name"
  # The exit status is lost in the pipe; meson's summary tells instead.
  "$@" 2>&1 | tee "$log"
  count "$log"
  if grep -q '^Fail: *[1-9]\|^Timeout: *[1-9]' "$log"; then
    status=1
  fi
  if ! grep -q '^Ok:' "$log"; then
    echo "run-tests: suite '$name' did not run" >&2
    status=1
  fi
}

mkdir -p "$logdir"

# Translations are needed by the display tests that switch language.
meson compile -C "$builddir" yunqiao-gmo >/dev/null

run plain meson test -C "$builddir" --print-errorlogs \
  --no-suite display --no-suite integration --no-suite bench

run display xvfb-run -a -s '-screen 0 1280x1024x24 -nolisten tcp' \
  meson test -C "$builddir" --print-errorlogs --suite display

run integration dbus-run-session \
  --config-file="$builddir/tests/integration/session.conf" -- \
  meson test -C "$builddir" --print-errorlogs --suite integration

# Name the failed tests and their first error lines last, so that the
# end of a long log says what went wrong.
if [ "$failed" -ne 0 ]; then
  echo
  echo "Failed tests:"
  for name in plain display integration; do
    log="$logdir/run-tests-$name.txt"
    [ -f "$log" ] || continue
    grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|UNEXPECTEDPASS|ERROR) ' "$log" |
      awk '!seen[$0]++' | sed "s/^ */  [$name] /"
  done
  echo "First error lines:"
  for name in plain display integration; do
    log="$logdir/run-tests-$name.txt"
    [ -f "$log" ] || continue
    grep -E '^(not ok|Bail out)|ERROR:|CRITICAL|timed out' "$log" |
      awk '!seen[$0]++' | head -n 12 | sed "s/^/  [$name] /"
  done
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  status=1
fi
exit $status
