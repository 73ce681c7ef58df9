# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by demo.sh: starts yunqiao-sim with a mid-sized organisation and
# adds one connector per platform pointing at it, with the simulator's
# demo credentials (made up; they work only against the simulator), and
# the apps of the login endpoints.

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

  # Login-free entry and QR-code login: an OA entry point, one app per
  # platform, and the bridge's endpoints on the default loopback address.
  login_url=$(sed -n 's/^READY .* login-url=\([^ ]*\) .*/\1/p' "$sim_out" || true)
  yunqiaoctl settings set external-address http://127.0.0.1:8780 >/dev/null
  yunqiaoctl entry-point add "OA 首页" https://oa.example.gov.cn/portal >/dev/null

  YQ_DEMO_ZWDD_SECRET=yqsim-h5-app-secret-7Hq2Lw9Xc4 \
  yunqiaoctl app add --connector 1 --name "移动办公" --key yqsim-h5-app-key \
    --entry-point 1 --app-secret-env YQ_DEMO_ZWDD_SECRET >/dev/null
  YQ_DEMO_ZWDD_QR_SECRET=yqsim-qr-app-secret-3Vt8Pn5Kd1 \
  yunqiaoctl app add --connector 1 --name "扫码登录" --key yqsim-qr-app-key \
    --client-id yqsim_dingoa --login-base "$login_url" --entry-point 1 \
    --app-secret-env YQ_DEMO_ZWDD_QR_SECRET >/dev/null
  YQ_DEMO_YZJ_SECRET=yqsim-yzj-app-secret-5Rb6Mz2Qf8 \
  yunqiaoctl app add --connector 2 --name "OA 轻应用" --key 500012345 \
    --entry-point 1 --app-secret-env YQ_DEMO_YZJ_SECRET >/dev/null
  yunqiaoctl qr enable 1 --app 2 >/dev/null
  yunqiaoctl qr enable 2 --app 3 >/dev/null
fi
