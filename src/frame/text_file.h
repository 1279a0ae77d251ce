// Whole-file reads and writes for the frame readers and writers (read_csv_file, write_json_file, ...).
#pragma once

#include <string>
#include <string_view>

namespace onnxfn {

// The file's bytes; BadInput naming the path when it is missing or unreadable.
std::string read_text_file(const std::string& path);
// Replaces the file's contents; BadInput naming the path when it cannot be written.
void write_text_file(const std::string& path, std::string_view text);

}  // namespace onnxfn
