#!/usr/bin/env bash
# bench/serve/half_saturation.sh [SECONDS]: latency of `onnxfn serve` at half of its saturation
# throughput, 1-row OIP v2 requests on the serve benchmark's model (bench/serve/train_model.py),
# with and without dynamic batching. Per setting: a closed loop (serve_open_loop --rate 0, 16
# connections) finds the saturation req/s, then an open loop at half that rate measures p50/p99
# from each request's due time (bench/serve/open_loop.cpp). Target: p99 < 1 ms. Loopback only;
# every run stops by itself after SECONDS. PERCENT=25 offers a quarter of saturation instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-10}
work=${WORK:-/tmp/onnxfn-serve-bench}
port=18091
mkdir -p "$work"
[ -f "$work/model.onnx" ] || "$root/.venv/bin/python" "$root/bench/serve/train_model.py" "$work"
ninja -C "$root/build" serve_open_loop > /dev/null
gen="$root/build/bench/serve/serve_open_loop"

pid=
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true; pid=; }
trap stop EXIT
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\\1/" <<< "$2"; }

echo "| setting | saturation req/s | offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for setting in "off" "--batch-max-rows 16 --batch-delay-us 200"; do
  flags=()
  [ "$setting" != off ] && read -r -a flags <<< "$setting"
  "$root/build/onnxfn" serve model="$work/model.onnx" --port "$port" --threads 2 "${flags[@]}" 2> /dev/null &
  pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready" && break; sleep 0.1; done
  args=(--port "$port" --path /v2/models/model/infer --body "$work/v2_1.json" --connections 16)
  sat=$(field rps "$("$gen" "${args[@]}" --seconds "$secs" --rate 0)")
  half=$((sat * ${PERCENT:-50} / 100))
  out=$("$gen" "${args[@]}" --seconds "$secs" --rate "$half")
  echo "| $setting | $sat | $half | $(field rps "$out") | $(field p50_ms "$out") | $(field p90_ms "$out") | $(field p99_ms "$out") | $(field max_ms "$out") | $(field errors "$out") |"
  stop
done
