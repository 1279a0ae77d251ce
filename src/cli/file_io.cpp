// File helpers for CLI commands.
#include "cli/file_io.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "frame/text_file.h"

namespace onnxfn::cli {

std::string read_input_file(const std::string& path, const std::string& role) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw_error(ErrorKind::BadInput, role + " '" + path + "': " + (std::filesystem::exists(path, ec) ? "is not a regular file" : "no such file"));
  try {
    return read_text_file(path);  // one fread; istreambuf_iterator took longer than parsing
  } catch (const Error& e) {
    throw_error(ErrorKind::BadInput, role + " " + e.what());
  }
}

void write_output_file(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw_error(ErrorKind::BadInput, "output '" + path + "': cannot open for writing");
  out << text;
  if (!out.flush()) throw_error(ErrorKind::BadInput, "output '" + path + "': write failed");
}

std::string file_extension(const std::string& path) {
  if (path == "-") return "";
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace onnxfn::cli
