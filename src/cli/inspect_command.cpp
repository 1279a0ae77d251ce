// `onnxfn inspect MODEL [--json]` / `onnxfn inspect --bundle B [--json]`: what a model needs and
// whether onnxfn can run it; for a bundle, also its metadata and the pipeline around the model.
// The verdict is the load `predict` does (Session, and for a bundle the Predictor): exit 0 when
// it can run, 3 when it cannot, the report printed either way.
#include <CLI/CLI.hpp>
#include <iostream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/cli.h"
#include "common/error_table.h"
#include "cli/model_report.h"
#include "model/model_loader.h"
#include "pipeline/bundle.h"
#include "pipeline/predictor.h"

namespace onnxfn::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void write_bundle_text(const pipeline::Bundle& b, std::ostream& out) {
  const pipeline::PipelineSpec& spec = b.spec;
  out << "Bundle " << b.dir.string() << "\n"
      << "  name " << b.metadata.name << ", version " << b.metadata.version << ", created " << b.metadata.created
      << ", threshold " << b.threshold() << "\n  input columns:";
  for (const Field& f : spec.input) out << " " << f.name << " (" << column_type_name(f.type) << ")";
  out << "\n  pipeline: " << spec.steps.size() << " step(s), " << spec.state.size() << " fitted state entr"
      << (spec.state.size() == 1 ? "y" : "ies") << (spec.blocking ? ", blocking" : "") << "\n";
  for (const pipeline::ModelInputSpec& m : spec.model_inputs)
    out << "  model input " << m.name << ": " << dtype_name(m.dtype) << " [rows, " << m.columns.size() << "] from "
        << join(m.columns) << "\n";
  out << "  output records: " << join(spec.output.carry);
  if (spec.output.probability) out << (spec.output.carry.empty() ? "" : ", ") << "probability";
  if (spec.output.label) out << ", label";
  out << "\n\n";
}

// {"schema": "onnxfn.inspect-bundle/1", "bundle": {...}, "model": <the onnxfn.inspect/1 report>}
void write_bundle_json(const pipeline::Bundle& b, const ModelReport& report, std::ostream& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("dir");
  w.String(b.dir.string().c_str());
  w.Key("metadata");
  if (b.metadata.json.empty()) w.Null();  // no metadata.json
  else w.RawValue(b.metadata.json.data(), b.metadata.json.size(), rapidjson::kObjectType);  // validated at load
  w.Key("threshold");
  w.Double(b.threshold());
  w.Key("input_columns");
  w.StartArray();
  for (const Field& f : b.spec.input) {
    w.StartObject();
    w.Key("name");
    w.String(f.name.c_str());
    w.Key("type");
    w.String(std::string(column_type_name(f.type)).c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("steps");
  w.Uint64(b.spec.steps.size());
  w.Key("model_inputs");
  w.StartArray();
  for (const pipeline::ModelInputSpec& m : b.spec.model_inputs) {
    w.StartObject();
    w.Key("name");
    w.String(m.name.c_str());
    w.Key("dtype");
    w.String(dtype_name(m.dtype).c_str());
    w.Key("columns");
    w.StartArray();
    for (const std::string& c : m.columns) w.String(c.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out << "{\"schema\": \"onnxfn.inspect-bundle/1\", \"bundle\": " << buffer.GetString() << ", \"model\": ";
  write_report_json(report, out);
  out << "}\n";
}

}  // namespace

void add_inspect_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    std::string bundle;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a model's inputs, outputs and operators, and whether onnxfn supports them");
  add_model_or_bundle(*cmd, opts->model, opts->bundle, "Bundle folder or .zip: its metadata and pipeline, then its model.onnx");
  cmd->add_flag("--json", opts->json,
                "Print the stable JSON form (schema onnxfn.inspect/1; with --bundle onnxfn.inspect-bundle/1, the model "
                "report under \"model\")");
  cmd->footer("Exit codes: 0 onnxfn can run the model (predict would load it), 3 it cannot (the report\n"
              "says why) or the model or bundle is malformed, 2 bad arguments, 4 resource limit.");
  cmd->callback([opts, &action] {
    action = [opts] {
      require_model_or_bundle("inspect", opts->model, opts->bundle);
      if (opts->bundle.empty()) {
        const Model model_file = load_model(opts->model);  // the report refers into it
        ModelReport report = build_report(model_file, opts->model);
        if (opts->json) write_report_json(report, std::cout);
        else write_report_text(report, std::cout);
        return report.runnable ? kExitOk : kExitBadModel;
      }
      const pipeline::Bundle b = pipeline::load_bundle(opts->bundle);
      const std::string path = b.model_path().string();
      const Model model_file = b.load_model();  // the report refers into it
      ModelReport report = build_report(model_file, path);
      if (report.runnable) {
        // The model runs; the bundle must also fit around it (pipeline, model contract).
        try {
          pipeline::Predictor::load(opts->bundle, {.threads = 1});
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::ResourceLimit || e.kind() == ErrorKind::Internal) throw;
          report.runnable = false;
          report.reasons = error_reasons(e);
        }
      }
      if (opts->json) {
        write_bundle_json(b, report, std::cout);
      } else {
        write_bundle_text(b, std::cout);
        write_report_text(report, std::cout);
      }
      return report.runnable ? kExitOk : kExitBadModel;
    };
  });
}

}  // namespace onnxfn::cli
