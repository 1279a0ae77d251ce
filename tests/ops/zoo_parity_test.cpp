// Every zoo model gives ONNX Runtime's recorded answers: labels exactly, floats within the case's
// tolerance (1e-5 unless its meta.json documents why not), ZipMap outputs included.
#include <gtest/gtest.h>

#include "engine/session.h"
#include "model/model_loader.h"
#include "ops/all_kernels.h"
#include "protocol/inference_protocol.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;

class ZooParity : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooParity, matches_onnxruntime) {
  const std::string name = GetParam();
  auto dir = zoo_dir() / name;
  for (int threads : {1, 2}) {
    Session session(load_model(dir / "model.onnx"), ops::all_kernels(), {.threads = threads});
    InferenceRequest req = parse_inference_request(read_text(dir / "request.json"));
    NamedValues out = session.run(req.inputs);
    rapidjson::Document expected = read_json(dir / "expected.json");
    std::string diff = compare_outputs(out, expected["outputs"], zoo_tolerance(name));
    EXPECT_EQ(diff, "") << name << " with " << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooParity, ::testing::ValuesIn(zoo_cases()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace onnxfn
