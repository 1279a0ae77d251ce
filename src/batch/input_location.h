// Inputs of batch jobs by location: a local path or an s3:// object (storage::Store), read whole.
#pragma once

#include <string>

namespace onnxfn::batch {

// BadInput naming the location when it cannot be read.
std::string read_location(const std::string& location);

}  // namespace onnxfn::batch
