// Batch inputs from local files or S3 (see input_location.h).
#include "batch/input_location.h"

#include "frame/text_file.h"
#include "storage/store.h"

namespace onnxfn::batch {

std::string read_location(const std::string& location) {
  if (!storage::is_s3_uri(location)) return read_text_file(location);
  storage::Store store;
  return store.read(location);
}

}  // namespace onnxfn::batch
