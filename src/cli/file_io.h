// Reading inputs and writing outputs for CLI commands: files or "-" for stdin/stdout.
#pragma once

#include <string>

namespace onnxfn::cli {

// Reads a whole file ("-" = stdin); BadInput naming the path when it cannot be read.
std::string read_input_file(const std::string& path, const std::string& role);
// Writes text to a file ("-" or empty = stdout); BadInput when it cannot be written.
void write_output_file(const std::string& path, const std::string& text);
// Lower-case extension without the dot ("" for none or stdin).
std::string file_extension(const std::string& path);

}  // namespace onnxfn::cli
