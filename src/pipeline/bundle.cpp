// Loading bundles and fitting their state.
#include "pipeline/bundle.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "common/error.h"
#include "common/json_numbers.h"

#include "frame/text_file.h"

namespace onnxfn::pipeline {
namespace {

[[noreturn]] void bad_bundle(const std::filesystem::path& dir, const std::string& problem) {
  throw_error(ErrorKind::BadModel, "bundle '" + dir.string() + "': " + problem);
}

std::string read_bundle_file(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::path p = dir / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) bad_bundle(dir, name + " is missing");
  try {
    return read_text_file(p.string());
  } catch (const Error& e) {
    bad_bundle(dir, e.what());
  }
}

BundleMetadata parse_metadata(const std::filesystem::path& dir, const std::string& text) {
  BundleMetadata m;
  m.json = text;
  rapidjson::Document doc;
  std::string guarded;
  const std::string_view safe = guard_json_numbers(text, guarded);
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(safe.data(), safe.size());
  if (doc.HasParseError())
    bad_bundle(dir, "metadata.json: invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) bad_bundle(dir, "metadata.json: expected a JSON object");
  auto str = [&](const char* key, std::string& out) {
    if (auto it = doc.FindMember(key); it != doc.MemberEnd()) {
      if (!it->value.IsString()) bad_bundle(dir, std::string("metadata.json: \"") + key + "\" must be a string");
      out.assign(it->value.GetString(), it->value.GetStringLength());
    }
  };
  str("name", m.name);
  str("version", m.version);
  str("created", m.created);
  if (auto it = doc.FindMember("threshold"); it != doc.MemberEnd()) {
    if (!it->value.IsNumber() || !(it->value.GetDouble() >= 0.0 && it->value.GetDouble() <= 1.0))
      bad_bundle(dir, "metadata.json: \"threshold\" must be a number from 0 to 1");
    m.threshold = it->value.GetDouble();
  }
  return m;
}

}  // namespace

double Bundle::threshold() const {
  if (spec.output.label && spec.output.label->threshold) return *spec.output.label->threshold;
  return metadata.threshold.value_or(0.5);
}

Bundle load_bundle(const std::filesystem::path& dir, const BundleLoadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw_error(ErrorKind::BadModel, "bundle '" + dir.string() + "': " + (std::filesystem::exists(dir, ec) ? "is not a folder" : "no such folder"));
  Bundle b;
  b.dir = dir;
  try {
    b.spec = parse_pipeline_spec(read_bundle_file(dir, "pipeline.json"), (dir / "pipeline.json").string());
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
  if (std::filesystem::exists(dir / "metadata.json", ec)) b.metadata = parse_metadata(dir, read_bundle_file(dir, "metadata.json"));
  for (const StateSpec& s : b.spec.state) {
    if (!std::filesystem::exists(dir / s.file, ec)) {
      if (!options.require_state) continue;
      bad_bundle(dir, "state '" + s.name + "' (" + s.file + ") is missing: run `onnxfn fit --bundle " + dir.string() + " --input RECORDS`");
    }
    try {
      b.state.idf_tables.emplace(s.name, text::IdfTable::parse(read_bundle_file(dir, s.file), (dir / s.file).string()));
    } catch (const Error& e) {
      bad_bundle(dir, e.what());
    }
  }
  return b;
}

void fit_bundle_state(const Bundle& bundle, const Frame& records) {
  if (bundle.spec.state.empty()) throw_error(ErrorKind::BadInput, "the bundle's pipeline declares no state to fit");
  // Every fit expression is checked before any state file is written, so a bad entry leaves the
  // bundle as it was.
  std::vector<expr::Expression> fits;
  for (const StateSpec& s : bundle.spec.state) {
    try {
      expr::Expression e = expr::Expression::parse(s.fit);
      if (e.bind(records.schema()) != ColumnType::String) throw_error(ErrorKind::BadInput, "the fit expression must give a string");
      fits.push_back(std::move(e));
    } catch (const Error& err) {
      throw_error(ErrorKind::BadInput, bundle.spec.source + ": state." + s.name + ".fit: " + err.what());
    }
  }
  for (size_t i = 0; i < fits.size(); ++i) {
    const StateSpec& s = bundle.spec.state[i];
    Column values = fits[i].evaluate(records);
    text::IdfTable table;
    text::PreparedString doc;
    for (size_t r = 0; r < values.size(); ++r) {
      if (values.is_null(r)) continue;
      doc.assign(values.string_value(r));
      table.add_document(doc);
    }
    std::filesystem::path path = bundle.dir / s.file;
    std::filesystem::create_directories(path.parent_path());
    write_text_file(path.string(), table.serialize());
  }
}

}  // namespace onnxfn::pipeline
