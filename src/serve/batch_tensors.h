// Row-wise tensor plumbing for the dynamic batcher: which requests can share a session run (same
// input names, types and per-row shape, matching the model's declared inputs), how their inputs
// are concatenated along the first axis and how the outputs are cut back into per-request parts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/named_values.h"
#include "model/model.h"

namespace onnxfn::serve {

// The rows of a request whose inputs could be merged with others for `model_inputs`: every input
// the model declares, nothing else, each a tensor of the declared element type and rank with the
// same static dimensions and the same row count (>= 1). nullopt otherwise: the request runs alone
// and the model itself says what is wrong. `signature` gets a key that equal requests share.
std::optional<size_t> mergeable_rows(const std::vector<ValueInfo>& model_inputs, const NamedValues& inputs, std::string& signature);

// Requests with one signature, concatenated along the first axis in the given order.
NamedValues concat_rows(const std::vector<const NamedValues*>& parts);

// Cuts every output of a merged run into consecutive row ranges of `rows[i]` rows. Outputs must be
// tensors whose first dimension, or sequences (ZipMap) whose length, is the total: nullopt when
// one is not, and then the requests must run alone.
std::optional<std::vector<NamedValues>> split_rows(const NamedValues& outputs, const std::vector<size_t>& rows);

}  // namespace onnxfn::serve
