#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR SECONDS: runs every libFuzzer target for SECONDS each, seeded from the
# fixture zoo and fuzz/corpus/. A crash, leak or sanitizer report fails the run (its input is kept
# in BUILD_DIR/fuzz-artifacts/).
set -euo pipefail
build=$1
seconds=$2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
art="$build/fuzz-artifacts"
mkdir -p "$art"
seed_dir() {  # seed_dir NAME FILE-GLOB...: a fresh corpus folder with the seeds copied in
  local d="$build/corpus/$1"
  shift
  mkdir -p "$d"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$d/$(echo "$f" | sha1sum | cut -c1-16)"; done
  [ -d "$root/fuzz/corpus/$(basename "$d")" ] && cp "$root/fuzz/corpus/$(basename "$d")"/* "$d/" 2>/dev/null || true
  echo "$d"
}
run() {  # run TARGET CORPUS [extra flags]
  local target=$1 corpus=$2
  shift 2
  echo "fuzzing $target for ${seconds}s"
  "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$art/$target-" -print_final_stats=1 "$@" 2>&1 | tail -n 12
  test "${PIPESTATUS[0]}" -eq 0
}
run model_loader_fuzzer "$(seed_dir model_loader "$root"/tests/fixtures/zoo/*/model.onnx)" -max_len=65536
run inference_request_fuzzer "$(seed_dir inference_request "$root"/tests/fixtures/zoo/*/request.json)" -max_len=16384
run http_request_fuzzer "$(seed_dir http_request)" -max_len=16384
run csv_reader_fuzzer "$(seed_dir csv_reader)" -max_len=4096
run json_frame_reader_fuzzer "$(seed_dir json_frame_reader)" -max_len=4096
run text_functions_fuzzer "$(seed_dir text_functions)" -max_len=512
run pipeline_spec_fuzzer "$(seed_dir pipeline_spec)" -max_len=8192 -dict="$root/fuzz/pipeline_spec.dict"
run bundle_zip_fuzzer "$(seed_dir bundle_zip)" -max_len=16384
run s3_xml_fuzzer "$(seed_dir s3_xml)" -max_len=4096
run schedule_expression_fuzzer "$(seed_dir schedule_expression /usr/share/zoneinfo/America/Sao_Paulo)" -max_len=4096 -dict="$root/fuzz/schedule_expression.dict"
run lambda_event_fuzzer "$(seed_dir lambda_event)" -max_len=8192
run tune_input_fuzzer "$(seed_dir tune_input)" -max_len=8192
