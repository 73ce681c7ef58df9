# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by demo.sh: starts yunqiao-sim with a mid-sized organisation and
# adds one connector per platform pointing at it, with the simulator's
# demo credentials (made up; they work only against the simulator).

sim_out="$demo_dir/sim.out"
: >"$sim_out"
"$prefix/libexec/yunqiao-sim" --people 2000 >"$sim_out" &
pids="$pids $!"

sim_url=""
tries=0
while [ -z "$sim_url" ] && [ $tries -lt 100 ]; do
  sim_url=$(sed -n 's/^READY .* url=\([^ ]*\) .*/\1/p' "$sim_out" || true)
  [ -n "$sim_url" ] || sleep 0.1
  tries=$((tries + 1))
done

if [ -z "$sim_url" ]; then
  echo "The simulator did not start; the app opens without demo connectors." >&2
else
  echo "Simulator: $(sed -n 's/^READY //p' "$sim_out")"

  YQ_DEMO_ZWDD_SECRET=yqsim-h5-app-secret-7Hq2Lw9Xc4 \
  yunqiaoctl connector add --preset zwdd-zj --name "浙政钉（模拟器）" \
    --tenant-id 196729 --api-base "$sim_url" --app-key yqsim-h5-app-key \
    --app-secret-env YQ_DEMO_ZWDD_SECRET >/dev/null

  YQ_DEMO_YZJ_SECRET=yqsim-yzj-app-secret-5Rb6Mz2Qf8 \
  YQ_DEMO_YZJ_DIR_SECRET=yqsim-yzj-dir-rw-secret-4Gx1Nc6 \
  yunqiaoctl connector add --preset yzj-private --name "云之家（模拟器）" \
    --tenant-id 10109 --api-base "$sim_url" --app-key 500012345 \
    --app-secret-env YQ_DEMO_YZJ_SECRET \
    --directory-secret-env YQ_DEMO_YZJ_DIR_SECRET --read-write >/dev/null
fi
