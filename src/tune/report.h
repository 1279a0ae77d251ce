// The sweep's three outputs: a table for the terminal, the JSON report (schema onnxfn.tune/1,
// docs/tune.md and docs/tune-report.schema.json) and an SVG chart of duration and cost against
// memory size with the recommendation marked.
#pragma once

#include <string>

#include "tune/sweep.h"

namespace onnxfn::tune {

std::string report_table(const TuneReport& report);
std::string report_json(const TuneReport& report);
std::string report_svg(const TuneReport& report);

// The function's recommended memory size in a JSON report (`recommended_memory_mb`), for
// `onnxfn package --memory auto`; BadInput naming the file when it is not a tune report or no
// size fitted.
int recommended_memory_from_report(const std::string& json_text, const std::string& where);

}  // namespace onnxfn::tune
