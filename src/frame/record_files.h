// Records in and out, for every door: CSV, JSON Lines or one JSON array, chosen by name or
// extension or sniffed from the content, decoded into a Frame; and the one writer of record
// files, which streams chunks and makes the output appear only when it is complete.
//
//   Frame in = read_records("pairs.csv", "auto", bundle_input_schema);
//   RecordFileWriter out("matches.jsonl", "auto");   // "-": stdout
//   out.write(chunk);                                 // any number of times
//   out.commit();                                     // rename onto the output
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "frame/frame.h"
#include "frame/record_encoder.h"

namespace onnxfn {

// `requested`: "csv", "jsonl", "json" or "auto". Auto goes by the extension of `path` (.csv,
// .jsonl / .ndjson, .json); without one (stdin, an HTTP body) by the first character of `text_start`
// ('{' or '[' means JSON, else CSV; a UTF-8 byte order mark is skipped). BadInput for other names.
RecordFormat resolve_record_format(std::string_view path, std::string_view requested, std::string_view text_start);
// "csv", "jsonl", "json".
std::string_view record_format_name(RecordFormat format);
// The format a MIME type names (text/csv, application/x-ndjson / application/jsonl / application/json-lines,
// application/json), parameters ignored; nullopt for others.
std::optional<RecordFormat> record_format_for_media_type(std::string_view content_type);
std::string_view media_type_for(RecordFormat format);

// Decodes records from text. `types` fixes the type of the CSV columns it names that the text has
// (a bundle passes its input columns, so "00123" stays a string); JSON values carry their own
// types. A JSON array or JSON Lines both decode as JsonArray. BadInput names `source`, row and column.
Frame decode_records(std::string_view text, RecordFormat format, const std::string& source, const Schema& types = {});
// A file or "-" (stdin), format as for resolve_record_format.
Frame read_records(const std::string& path, const std::string& format = "auto", const Schema& types = {});

// A whole input file or "-" (stdin); BadInput naming `role` and the path when it cannot be read.
std::string read_input_file(const std::string& path, const std::string& role);
// Writes text to a file ("-" or empty: stdout); BadInput when it cannot be written.
void write_output_file(const std::string& path, std::string_view text);
// Lower-case extension without the dot ("" for none or "-").
std::string file_extension(std::string_view path);

class RecordFileWriter {
 public:
  // `path` "-" or empty: stdout. Otherwise rows stream into "<path>.partial-<pid>" beside it, renamed
  // onto `path` by commit() after an fsync; a writer destroyed before commit() removes its partial
  // file, so a failed or killed run never leaves a file that looks complete. BadInput naming the
  // output when its folder does not exist or is not writable. A device or a pipe that exists
  // (/dev/null, a FIFO) is written in place.
  RecordFileWriter(std::string path, const std::string& format = "auto");
  ~RecordFileWriter();
  RecordFileWriter(const RecordFileWriter&) = delete;
  RecordFileWriter& operator=(const RecordFileWriter&) = delete;

  // Chunks are appended: one CSV header, or one JSON array, for the whole output.
  void write(const Frame& chunk);
  void commit();

  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_; }
  size_t rows_written() const { return rows_; }
  RecordFormat format() const { return encoder_.format(); }

 private:
  void put(const std::string& text);

  std::string path_;
  std::string partial_;  // empty for stdout
  std::FILE* file_ = nullptr;
  RecordEncoder encoder_{RecordFormat::Csv};
  bool committed_ = false;
  bool direct_ = false;  // a device or pipe, written in place
  size_t rows_ = 0;
};

}  // namespace onnxfn
