// Loading bundles and fitting their state.
#include "pipeline/bundle.h"

#include <map>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "common/error.h"
#include "common/json_numbers.h"

#include "frame/text_file.h"
#include "model/model_loader.h"
#include "pipeline/bundle_archive.h"

namespace onnxfn::pipeline {
namespace {

[[noreturn]] void bad_bundle(const std::filesystem::path& dir, const std::string& problem) {
  throw_error(ErrorKind::BadModel, "bundle '" + dir.string() + "': " + problem);
}

// The files of a bundle, from its folder or from its zip archive (read whole at load).
class BundleFiles {
 public:
  explicit BundleFiles(const std::filesystem::path& path) : path_(path) {
    if (is_zip_archive(path)) {
      archive_ = read_zip_archive(path);
      zipped_ = true;
      return;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
      bad_bundle(path, std::filesystem::exists(path, ec) ? "is neither a folder nor a zip archive" : "no such folder");
  }

  bool zipped() const { return zipped_; }
  bool exists(const std::string& name) const {
    if (zipped_) return archive_.count(name) > 0;
    std::error_code ec;
    return std::filesystem::is_regular_file(path_ / name, ec);
  }
  std::string read(const std::string& name) const {
    if (!exists(name)) bad_bundle(path_, name + " is missing");
    if (zipped_) return archive_.at(name);
    try {
      return read_text_file((path_ / name).string());
    } catch (const Error& e) {
      bad_bundle(path_, e.what());
    }
  }
  std::string take(const std::string& name) {  // moves a zipped file out (the model's bytes)
    if (!zipped_ || !exists(name)) return {};
    return std::move(archive_.at(name));
  }

 private:
  std::filesystem::path path_;
  bool zipped_ = false;
  std::map<std::string, std::string> archive_;
};

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
  BundleFiles files(dir);
  Bundle b;
  b.dir = dir;
  b.zipped = files.zipped();
  try {
    b.spec = parse_pipeline_spec(files.read("pipeline.json"), (dir / "pipeline.json").string());
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
  if (files.exists("metadata.json")) b.metadata = parse_metadata(dir, files.read("metadata.json"));
  for (const StateSpec& s : b.spec.state) {
    if (!files.exists(s.file)) {
      if (!options.require_state) continue;
      bad_bundle(dir, "state '" + s.name + "' (" + s.file + ") is missing: run `onnxfn fit --bundle " +
                          (b.zipped ? "FOLDER" : dir.string()) + " --input RECORDS`" + (b.zipped ? " on the bundle folder, then zip it" : ""));
    }
    try {
      b.state.idf_tables.emplace(s.name, text::IdfTable::parse(files.read(s.file), (dir / s.file).string()));
    } catch (const Error& e) {
      bad_bundle(dir, e.what());
    }
  }
  b.has_model = files.exists("model.onnx");
  b.zipped_model = files.take("model.onnx");
  return b;
}

Model Bundle::load_model() const {
  if (!has_model) throw_error(ErrorKind::BadModel, "bundle '" + dir.string() + "': model.onnx is missing (`onnxfn fit` and `onnxfn features` work without it)");
  // A zipped model has no folder beside it, so external data (a separate weights file) is refused.
  if (zipped) return load_model_from_bytes(zipped_model, {});
  return onnxfn::load_model(model_path());
}

void fit_bundle_state(const Bundle& bundle, const Frame& records) {
  if (bundle.zipped)
    throw_error(ErrorKind::BadInput, "bundle '" + bundle.dir.string() + "' is a zip archive, which fit does not rewrite: fit the bundle folder, then zip it");
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
