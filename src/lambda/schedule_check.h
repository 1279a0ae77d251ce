// A strict check of EventBridge schedule expressions for `onnxfn package`, before anything is
// written: cron(min hour day-of-month month day-of-week year) with EventBridge's six fields and
// its '?' rule, rate(n unit) and at(yyyy-mm-ddThh:mm:ss). The durable-batch work brings a full
// parser (schedule::validate_expression); this check refuses what it would refuse.
#pragma once

#include <string_view>

namespace onnxfn::lambda {

// BadInput naming the field and the rule broken, e.g. "cron day-of-week field '8': 8 is out of range 1-7".
void validate_schedule(std::string_view expression);

}  // namespace onnxfn::lambda
