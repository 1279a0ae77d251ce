#!/usr/bin/env bash
# bench/serve/run.sh [SECONDS]: onnxfn serve vs MLServer + mlserver-sklearn vs FastAPI + uvicorn +
# onnxruntime on a 60-tree random forest (breast cancer, 30 features), one after another on
# loopback with the same load generator: wrk -t1 -cN -dSECONDS --latency, POSTing the same OIP v2
# body (1 or 100 rows). Prints a Markdown table: requests/s, p50/p99 latency, non-2xx + socket
# errors, the server's RSS (its processes summed) after its runs. Not a timed test; wrk stops by
# itself after SECONDS. The peers' Python environments go to $WORK (default /tmp/onnxfn-serve-bench).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-20}
work=${WORK:-/tmp/onnxfn-serve-bench}
mkdir -p "$work"
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk (scripts/setup.sh does)" >&2; exit 1; }

venv() {  # venv DIR PACKAGES...: a pinned environment, made once
  local dir=$1
  shift
  [ -x "$dir/bin/python" ] && [ -f "$dir/.done" ] && return
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "$@"
  touch "$dir/.done"
}
# MLServer 1.7.1 needs uvloop 0.21.0: newer uvloop crashes its worker.
venv "$work/venv-mlserver" mlserver==1.7.1 mlserver-sklearn==1.7.1 uvloop==0.21.0 scikit-learn==1.7.2
venv "$work/venv-fastapi" fastapi==0.165.0 "uvicorn[standard]==0.55.0" onnxruntime==1.32.0 numpy==2.4.6
"$root/.venv/bin/python" "$root/bench/serve/train_model.py" "$work"

pid=
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true; pid=; }
trap stop EXIT
wait_ready() {  # wait_ready PORT: until /v2/health/ready (or any answer on the infer route) or 90 s
  for _ in $(seq 900); do
    curl -s -o /dev/null "http://127.0.0.1:$1/v2/health/ready" && return 0
    curl -s -o /dev/null -X POST "http://127.0.0.1:$1/v2/models/model/infer" && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}
rss_mb() {  # the RSS of $pid and its children, MB
  local total=0 p
  for p in $pid $(pgrep -P "$pid" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2> /dev/null || echo 0)))
  done
  echo $((total / 1024))
}
to_ms() {  # wrk latency text (us/ms/s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
measure() {  # measure NAME ROWS CONNECTIONS PORT BODY
  local out
  out=$(BODY="$5" wrk -t1 -c"$3" -d"${secs}s" --latency -s "$root/bench/serve/post.lua" "http://127.0.0.1:$4/v2/models/model/infer")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<< "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<< "$out")
  echo "| $1 | $2 | $3 | $rps | $p50 | $p99 | $errors | RSS |"
}
run_server() {  # run_server NAME PORT BODY_PREFIX: the three load points, then its RSS
  local rows=() line
  wait_ready "$2"
  for point in "1 1" "1 16" "100 16"; do
    set -- "$1" "$2" "$3" $point
    rows+=("$(measure "$1" "$4" "$5" "$2" "$work/$3_$4.json")")
  done
  local rss
  rss=$(rss_mb)
  for line in "${rows[@]}"; do echo "${line/RSS/$rss}"; done
  stop
}

echo "| server | rows | connections | req/s | p50 ms | p99 ms | errors | RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
"$root/build/onnxfn" serve model="$work/model.onnx" --port 18080 --threads 2 2> /dev/null &
pid=$!
run_server "onnxfn serve (--threads 2)" 18080 v2
MODEL_PATH="$work/model.onnx" "$work/venv-fastapi/bin/uvicorn" --app-dir "$root/bench/serve" fastapi_server:app \
  --host 127.0.0.1 --port 18081 --workers 1 --http httptools --loop uvloop --log-level warning --no-access-log &
pid=$!
run_server "FastAPI + uvicorn + onnxruntime, 1 worker" 18081 v2
(cd "$work/mlserver" && exec "$work/venv-mlserver/bin/mlserver" start . > "$work/mlserver.log" 2>&1) &
pid=$!
run_server "MLServer + mlserver-sklearn (predict_proba)" 18082 mlserver
