// JSON records read throughput of onnxfn's reader (read_json: SAX into typed or inferring columns),
// on one thread; the JSON twin of csv_read_bench.cpp, for comparing reader changes on the same
// file. The file is read into memory first, so the timing is the parse alone.
//   frame_json_bench FILE [REPEATS]   -> one JSON line: bytes, rows, columns, best and median ms
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/error.h"
#include "frame/json_frame_reader.h"
#include "frame/text_file.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: frame_json_bench FILE [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  try {
    const std::string text = onnxfn::read_text_file(argv[1]);
    std::vector<double> ms;
    size_t rows = 0, columns = 0;
    for (int i = 0; i < repeats; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const onnxfn::Frame f = onnxfn::read_json(text, argv[1]);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      rows = f.num_rows();
      columns = f.num_columns();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("{\"bytes\": %zu, \"rows\": %zu, \"columns\": %zu, \"best_ms\": %.3f, \"median_ms\": %.3f}\n", text.size(), rows,
                columns, ms.front(), ms[ms.size() / 2]);
  } catch (const onnxfn::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
