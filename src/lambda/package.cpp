// onnxfn package (see package.h): checks, function.zip, SAM and Serverless templates.
#include "lambda/package.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "frame/record_files.h"
#include "lambda/fanout_template.h"
#include "lambda/function_zip.h"
#include "lambda/job_event.h"
#include "schedule/expression.h"
#include "pipeline/predictor.h"

namespace onnxfn::lambda {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, "package: " + message); }

// Lambda function names and Serverless service names: a letter, then letters, digits and '-'.
std::string function_name(std::string_view from) {
  std::string name;
  for (char c : from) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) name += c;
    else if (!name.empty() && name.back() != '-') name += '-';
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) name = "onnxfn-" + name;
  if (name.size() > 48) name.resize(48);
  while (name.back() == '-') name.pop_back();
  return name;
}

// The job JSON of --job, compact (it goes into the templates as the schedule's input).
std::string compact_job(const std::string& path) {
  const std::string text = read_input_file(path, "--job");
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) bad("--job " + path + ": invalid JSON at byte " + std::to_string(doc.GetErrorOffset()));
  const rapidjson::Value* job = &doc;
  if (doc.IsObject() && doc.HasMember("job")) job = &doc["job"];
  (void)parse_job(*job, "--job " + path, "/var/task");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("job");
  job->Accept(w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A YAML single-quoted scalar: only the quote itself needs escaping (doubled).
std::string yaml_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string sam_template(const PackageOptions& o, const std::string& name, const std::string& handler, const std::string& job) {
  std::string t;
  t += "# AWS SAM template written by `onnxfn package` for " + name + ": deploy with `sam deploy --guided`.\n";
  t += "AWSTemplateFormatVersion: '2010-09-09'\n";
  t += "Transform: AWS::Serverless-2016-10-31\n";
  t += "Description: " + yaml_quote("onnxfn: " + name + " (one static binary as the bootstrap of a custom runtime)") + "\n";
  const FanoutTemplate fanout = o.fanout ? fanout_template(name, o.fanout_concurrency) : FanoutTemplate{};
  t += fanout.parameters;
  t += "Resources:\n";
  t += "  ModelFunction:\n";
  t += "    Type: AWS::Serverless::Function\n";
  t += "    Properties:\n";
  t += "      FunctionName: " + yaml_quote(name) + "\n";
  t += "      CodeUri: function.zip\n";
  t += "      Handler: " + yaml_quote(handler) + "\n";
  t += "      Runtime: provided.al2023\n";
  t += "      Architectures:\n        - " + o.arch + "\n";
  t += "      MemorySize: " + std::to_string(o.memory_mb) + "\n";
  t += "      Timeout: " + std::to_string(o.timeout_s) + "\n";
  if (o.http || !o.schedule.empty()) {
    t += "      Events:\n";
    if (o.http) {
      t += "        HttpApi:\n";
      t += "          Type: HttpApi\n";
    }
    if (!o.schedule.empty()) {
      t += "        Schedule:\n";
      t += "          Type: ScheduleV2\n";
      t += "          Properties:\n";
      t += "            ScheduleExpression: " + yaml_quote(o.schedule) + "\n";
      t += "            Input: " + yaml_quote(job) + "\n";
      t += "            RetryPolicy:\n";
      t += "              MaximumRetryAttempts: 2\n";
      t += "              MaximumEventAgeInSeconds: 3600\n";
      t += "            DeadLetterConfig:\n";
      t += "              Type: SQS\n";
    }
  }
  t += fanout.function_policies;
  t += fanout.resources;
  if (o.http || o.fanout) t += "Outputs:\n";
  t += fanout.outputs;
  if (o.http) {
    t += "  ApiUrl:\n";
    t += "    Description: The HTTP API's base URL (POST {ApiUrl}v2/models/{name}/infer)\n";
    t += "    Value: !Sub 'https://${ServerlessHttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/'\n";
  }
  return t;
}

std::string serverless_yml(const PackageOptions& o, const std::string& name, const std::string& handler, const std::string& job) {
  std::string t;
  t += "# Serverless Framework v3 service written by `onnxfn package` for " + name + ": deploy with `serverless deploy`.\n";
  t += "service: " + name + "\n";
  t += "frameworkVersion: '3'\n";
  t += "provider:\n";
  t += "  name: aws\n";
  t += "  runtime: provided.al2023\n";
  t += "  architecture: " + o.arch + "\n";
  t += "  memorySize: " + std::to_string(o.memory_mb) + "\n";
  t += "  timeout: " + std::to_string(o.timeout_s) + "\n";
  t += "package:\n";
  t += "  artifact: function.zip\n";
  t += "functions:\n";
  t += "  model:\n";
  t += "    handler: " + yaml_quote(handler) + "\n";
  if (o.http || !o.schedule.empty()) {
    t += "    events:\n";
    if (o.http) t += "      - httpApi: '*'\n";
    if (!o.schedule.empty()) {
      t += "      - schedule:\n";
      t += "          method: scheduler\n";
      t += "          rate:\n            - " + yaml_quote(o.schedule) + "\n";
      t += "          input: " + job + "\n";  // JSON is YAML (flow style)
    }
  }
  return t;
}

void add_tree(std::vector<ZipEntry>& entries, const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  for (const auto& f : files) {
    const std::string name = fs::relative(f, dir).generic_string();
    if (name == "reference.json") continue;  // checked before packaging; the function never reads it
    entries.push_back({prefix + name, f.string(), false});
  }
}

}  // namespace

std::string describe_reference_report(const pipeline::ReferenceReport& r) {
  char diff[64], tolerance[64];
  std::snprintf(diff, sizeof diff, "%.2g", r.max_probability_diff);
  std::snprintf(tolerance, sizeof tolerance, "%.2g", r.tolerance);
  return "verify: " + std::to_string(r.records) + " reference records" + (r.source.empty() ? "" : " (" + r.source + ")") +
         ": probability max |diff| " + diff + " at record " + std::to_string(r.worst_record) + " (tolerance " + tolerance + "), labels " +
         std::to_string(r.labels_agreeing) + " of " + std::to_string(r.labels_compared) + " agree: " + (r.passed() ? "OK" : "DISAGREES");
}

std::string elf_architecture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[64] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return "";
  if (std::memcmp(h, "\x7f" "ELF", 4) != 0 || h[4] != 2 || h[5] != 1) return "";  // 64-bit little-endian
  const unsigned machine = h[18] | (h[19] << 8);
  return machine == 62 ? "x86_64" : machine == 183 ? "arm64" : "";
}

// Whether an ELF file asks for a dynamic loader (a PT_INTERP program header): Lambda's
// provided.al2023 has glibc, but the promise is one static file.
static bool elf_is_dynamic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[64] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return false;
  uint64_t phoff = 0;
  for (int i = 7; i >= 0; --i) phoff = (phoff << 8) | h[32 + i];
  const unsigned phentsize = h[54] | (h[55] << 8), phnum = h[56] | (h[57] << 8);
  for (unsigned i = 0; i < phnum && phentsize >= 4; ++i) {
    unsigned char ph[4] = {};
    in.seekg(static_cast<std::streamoff>(phoff + uint64_t{i} * phentsize));
    if (!in.read(reinterpret_cast<char*>(ph), 4)) return false;
    if ((ph[0] | (ph[1] << 8) | (ph[2] << 16) | (uint32_t{ph[3]} << 24)) == 3) return true;  // PT_INTERP
  }
  return false;
}

void validate_package_options(const PackageOptions& o) {
  if (o.out.empty()) bad("--out DIR is required");
  if (o.arch != "x86_64" && o.arch != "arm64") bad("--arch '" + o.arch + "': expected x86_64 or arm64");
  if (o.memory_mb < 128 || o.memory_mb > 10240)
    bad("--memory " + std::to_string(o.memory_mb) + ": Lambda functions take 128 to 10240 MB");
  if (o.timeout_s < 1 || o.timeout_s > 900) bad("--timeout " + std::to_string(o.timeout_s) + ": Lambda functions run 1 to 900 seconds");
  if (!o.schedule.empty()) {
    schedule::validate_expression(o.schedule);
    if (o.job_file.empty()) bad("--schedule needs --job FILE: the job ({\"left\", \"right\", \"output\"} or {\"input\", \"output\"}) each firing runs");
  } else if (!o.job_file.empty()) {
    bad("--job is the input of a schedule: give --schedule too");
  }
  if (o.fanout && (o.fanout_concurrency < 1 || o.fanout_concurrency > kMaxFanoutConcurrency))
    bad("--fanout-concurrency " + std::to_string(o.fanout_concurrency) + ": a Distributed Map runs 1 to " +
        std::to_string(kMaxFanoutConcurrency) + " child executions at once");
}

PackageResult package_function(const PackageOptions& o) {
  validate_package_options(o);
  const std::string job = o.job_file.empty() ? "" : compact_job(o.job_file);
  // The bundle must load as the function will load it (BadModel / Unsupported otherwise).
  const auto predictor = pipeline::Predictor::load(o.bundle, {.threads = 1});
  if (o.fanout && !predictor->is_bundle())
    bad("--fanout runs product-matching pair jobs (each S3 object a left table): it needs a bundle, not a bare ONNX model");
  const std::string name = function_name(o.name.empty() ? predictor->name() : o.name);
  // Parity before deploy: a bundle must still give its training-time outputs.
  std::string parity = "no reference set (reference.json): parity with scikit-learn not checked";
  if (fs::is_directory(o.bundle)) {
    if (const auto report = pipeline::verify_reference_set(*predictor, o.bundle)) {
      parity = describe_reference_report(*report);
      if (!report->passed()) throw_error(ErrorKind::BadModel, "package: refused: the bundle disagrees with its own training-time outputs; " + parity);
    }
  }

  std::string binary = o.binary;
  if (binary.empty()) {
    std::error_code ec;
    binary = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec || elf_architecture(binary) != o.arch)
      bad("--arch " + o.arch + ": this onnxfn is " + (ec ? "unknown" : elf_architecture(binary)) + "; give --binary with an " + o.arch +
          " static build of onnxfn");
  }
  const std::string binary_arch = elf_architecture(binary);
  if (binary_arch.empty()) bad("--binary '" + binary + "': not a 64-bit ELF executable for x86_64 or arm64");
  if (binary_arch != o.arch) bad("--binary '" + binary + "' is built for " + binary_arch + ", not --arch " + o.arch);
  if (elf_is_dynamic(binary)) bad("--binary '" + binary + "' is dynamically linked; Lambda needs the static build (ONNXFN_STATIC=ON)");

  std::vector<ZipEntry> entries{{"bootstrap", binary, true}};
  const fs::path bundle(o.bundle);
  std::string handler;
  if (fs::is_directory(bundle)) {
    handler = "bundle";
    add_tree(entries, bundle, "bundle/");
  } else {
    handler = bundle.extension() == ".onnx" ? "model.onnx" : "bundle.zip";
    entries.push_back({handler, bundle.string(), false});
  }
  uint64_t unzipped = 0;
  for (const auto& e : entries) unzipped += fs::file_size(e.source);
  if (unzipped > kMaxUnzippedBytes)
    bad("the function is " + std::to_string(unzipped) + " bytes unzipped, over Lambda's " + std::to_string(kMaxUnzippedBytes) + "-byte limit");

  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) bad("--out " + o.out + ": cannot create it: " + ec.message());
  PackageResult r;
  r.handler = handler;
  r.parity = parity;
  r.zip_path = (fs::path(o.out) / "function.zip").string();
  const std::string partial = r.zip_path + ".partial";
  const ZipSizes sizes = write_function_zip(partial, entries);
  if (sizes.zipped > kMaxZippedBytes) {
    fs::remove(partial, ec);
    bad("function.zip would be " + std::to_string(sizes.zipped) + " bytes, over Lambda's " + std::to_string(kMaxZippedBytes) +
        "-byte limit for a direct upload");
  }
  fs::rename(partial, r.zip_path);
  r.zipped = sizes.zipped;
  r.unzipped = sizes.unzipped;
  r.sam_path = (fs::path(o.out) / "template.yaml").string();
  r.serverless_path = (fs::path(o.out) / "serverless.yml").string();
  write_output_file(r.sam_path, sam_template(o, name, handler, job));
  write_output_file(r.serverless_path, serverless_yml(o, name, handler, job));
  return r;
}

}  // namespace onnxfn::lambda
