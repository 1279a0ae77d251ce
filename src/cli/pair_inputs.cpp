// Loading product tables for the pair commands, and `onnxfn features --left --right --pairs`.
#include "cli/pair_inputs.h"

#include <CLI/CLI.hpp>

#include "cli/records_io.h"
#include "pipeline/bundle.h"
#include "pipeline/pipeline.h"

namespace onnxfn::cli {

PairTables load_pair_tables(const pipeline::PipelineSpec& spec, const std::string& left_path, const std::string& right_path) {
  const pipeline::BlockingSpec b = batch::blocking_of(spec);
  batch::ProductTable left(batch::read_product_table(left_path, b.left_id), b.left_id, left_path);
  batch::ProductTable right(batch::read_product_table(right_path, b.right_id), b.right_id, right_path);
  return {std::move(left), std::move(right)};
}

void add_pair_feature_options(CLI::App& features, PairFeatureOptions& options) {
  features.get_option("--input")->required(false);
  auto* left = features.add_option("--left", options.left, "Pair form: the left product table (CSV or JSON Lines)");
  auto* right = features.add_option("--right", options.right, "Pair form: the right product table");
  auto* pairs = features.add_option("--pairs", options.pairs, "Pair form: pairs file, CSV ltable_id,rtable_id[,label]");
  left->needs(right)->needs(pairs)->excludes("--input");
  right->needs(left);
  pairs->needs(left);
  features.parse_complete_callback([&features, &options] {
    if (!options.requested() && features.get_option("--input")->count() == 0)
      throw CLI::RequiredError("--input (or --left, --right and --pairs for pair records)");
  });
  features.footer(features.get_footer() +
                  "\nPair form: each pair of --pairs becomes one record from a --left row and a --right row, columns\n"
                  "prefixed left_/right_ (the bundle's blocking section names the id columns and prefixes); rows come\n"
                  "out in the pairs file's order. See docs/batch.md.\n"
                  "  onnxfn features --bundle B --left tableA.csv --right tableB.csv --pairs train.csv --output train_features.csv");
}

void write_pair_features(const std::string& bundle_dir, const PairFeatureOptions& o, const std::string& output,
                         const std::string& format, int64_t chunk_rows) {
  pipeline::Bundle bundle = pipeline::load_bundle(bundle_dir);
  std::unique_ptr<pipeline::Pipeline> pipe;
  try {
    pipe = std::make_unique<pipeline::Pipeline>(bundle.spec, &bundle.state);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
  PairTables tables = load_pair_tables(bundle.spec, o.left, o.right);
  batch::PairRecordBuilder builder(tables.left, tables.right, bundle.spec);
  batch::PairList pairs = batch::read_pairs_file(o.pairs, tables.left, tables.right, batch::blocking_of(bundle.spec));
  RecordWriter writer(output, format);
  const size_t chunk = static_cast<size_t>(chunk_rows);
  for (size_t start = 0; start < pairs.size() || start == 0; start += chunk) {
    Frame records = builder.build(pairs, start, start + chunk);
    writer.write(pipe->feature_table(pipe->run_steps(pipe->conform(records))));
    if (pairs.size() == 0) break;
  }
  writer.finish();
}

}  // namespace onnxfn::cli
