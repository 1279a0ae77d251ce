// `onnxfn batch`, `onnxfn evaluate` and `onnxfn features --pairs` through the binary: outputs,
// hand-computed counts, the summary, exit codes and messages, and an output that appears only
// when the job succeeds.
#include <gtest/gtest.h>

#include <algorithm>

#include "batch_test_support.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;

struct Cli {
  fs::path dir;
  std::string bundle, left, right;
  explicit Cli(const std::string& name, const std::string& pipeline = kJaccardPipeline) : dir(batch_temp_dir(name)) {
    bundle = write_pair_bundle(dir / "bundle", pipeline).string();
    left = write_text(dir / "left.csv", kLeftTable);
    right = write_text(dir / "right.csv", kRightTable);
  }
  // Runs `onnxfn <args>`; stdout in *out, stderr in *err.
  int run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) const {
    fs::path errfile = dir / "stderr.txt";
    int code = run_command(std::string(ONNXFN_BINARY) + " " + args + " 2>" + errfile.string(), out);
    if (err) *err = read_all(errfile);
    return code;
  }
  std::string tables() const { return " --bundle " + bundle + " --left " + left + " --right " + right; }
};

// Labelled pairs with hand-computed decisions (probability = Jaccard of the names, match >= 0.5):
//   1,a  Jaccard 1     predicted 1, label 1: TP       2,b  3/4  predicted 1, label 1: TP
//   3,c  2/3           predicted 1, label 0: FP       1,d  1/4  predicted 0, label 0: TN
//   3,a  0             predicted 0, label 0: TN       2,d  0    predicted 0, label 1: FN
//   3,d  0             predicted 0, label 1: FN
const char* kLabelled = "ltable_id,rtable_id,label\n1,a,1\n2,b,1\n3,c,0\n1,d,0\n3,a,0\n2,d,1\n3,d,1\n";

TEST(EvaluateCli, counts_and_scores_match_hand_computed_values) {
  Cli cli("evaluate");
  std::string pairs = write_text(cli.dir / "test.csv", kLabelled);
  std::string out, err;
  ASSERT_EQ(cli.run("evaluate" + cli.tables() + " --pairs " + pairs + " --chunk-size 3", &out, &err), 0) << err;
  EXPECT_NE(out.find("counts     TP 2  FP 1  FN 2  TN 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("precision  0.6667\nrecall     0.5000\nf1         0.5714\n"), std::string::npos) << out;
  std::string last = out.substr(out.rfind('\n', out.size() - 2) + 1);
  EXPECT_EQ(last, "{\"precision\": 0.6667, \"recall\": 0.5000, \"f1\": 0.5714}\n");
}

TEST(EvaluateCli, needs_labels) {
  Cli cli("evaluate_nolabel");
  std::string pairs = write_text(cli.dir / "p.csv", "ltable_id,rtable_id\n1,a\n");
  std::string err;
  EXPECT_EQ(cli.run("evaluate" + cli.tables() + " --pairs " + pairs, nullptr, &err), 2);
  EXPECT_NE(err.find("has no label column"), std::string::npos) << err;
}

TEST(BatchCli, blocks_scores_and_writes_only_matches_with_a_summary) {
  Cli cli("batch");
  std::string gold = write_text(cli.dir / "gold.csv", kLabelled);
  fs::path output = cli.dir / "matches.csv";
  std::string err;
  ASSERT_EQ(cli.run("batch" + cli.tables() + " --gold " + gold + " --output " + output.string(), nullptr, &err), 0) << err;
  // Blocking (top 2): 1-a, 1-d, 2-b, 3-c; matches: 1-a (1), 2-b (3/4), 3-c (2/3).
  EXPECT_EQ(read_all(output), "left_id,right_id,probability,match\n1,a,1.0,true\n2,b,0.75,true\n3,c,0.6666666865348816,true\n");
  EXPECT_NE(err.find("left 3 (" + cli.left + "), right 4 (" + cli.right + ")"), std::string::npos) << err;
  EXPECT_NE(err.find("candidate pairs  4 by blocking (top 2), 1.33 per left record, 66.67% fewer than the 12-pair cross product"), std::string::npos) << err;
  // Gold matches 1-a, 2-b, 2-d, 3-d: two are candidates.
  EXPECT_NE(err.find("blocking recall  0.5000 (2 of 4 gold matches"), std::string::npos) << err;
  EXPECT_NE(err.find("matches          3"), std::string::npos) << err;
  EXPECT_NE(err.find("time (s)         load "), std::string::npos) << err;
  EXPECT_EQ(err.find("\r"), std::string::npos) << "no progress bar when stderr is not a terminal";
}

TEST(BatchCli, all_writes_every_scored_pair_and_top_k_overrides_the_bundle) {
  Cli cli("batch_all");
  fs::path output = cli.dir / "scored.jsonl";
  std::string err;
  ASSERT_EQ(cli.run("batch" + cli.tables() + " --all --top-k 1 --quiet --output " + output.string(), nullptr, &err), 0) << err;
  EXPECT_EQ(err, "");
  EXPECT_EQ(read_all(output),
            "{\"left_id\":\"1\",\"right_id\":\"a\",\"probability\":1.0,\"match\":true}\n"
            "{\"left_id\":\"2\",\"right_id\":\"b\",\"probability\":0.75,\"match\":true}\n"
            "{\"left_id\":\"3\",\"right_id\":\"c\",\"probability\":0.6666666865348816,\"match\":true}\n");
}

TEST(BatchCli, pairs_file_form_and_chunk_sizes_give_the_same_output) {
  Cli cli("batch_pairs");
  std::string pairs = write_text(cli.dir / "pairs.csv", kLabelled);
  std::string reference;
  for (const char* chunk : {"1", "7", "10000"}) {
    fs::path output = cli.dir / (std::string("m") + chunk + ".csv");
    std::string err;
    ASSERT_EQ(cli.run("batch" + cli.tables() + " --pairs " + pairs + " --all --threads 2 --chunk-size " + chunk + " --output " + output.string(), nullptr,
                      &err), 0) << err;
    std::string got = read_all(output);
    if (reference.empty()) reference = got;
    EXPECT_EQ(got, reference) << chunk;
  }
  EXPECT_EQ(std::count(reference.begin(), reference.end(), '\n'), 8);
  EXPECT_NE(reference.find("\n3,c,0.6666666865348816,true\n1,d,0.25,false\n"), std::string::npos) << reference;
}

TEST(BatchCli, input_errors_exit_2_naming_file_and_place_and_leave_no_output) {
  Cli cli("batch_errors");
  fs::path output = cli.dir / "matches.csv";
  write_text(output, "previous run\n");
  std::string err;
  std::string bad_pairs = write_text(cli.dir / "bad.csv", "ltable_id,rtable_id\n1,a\n9,a\n");
  EXPECT_EQ(cli.run("batch" + cli.tables() + " --pairs " + bad_pairs + " --output " + output.string(), nullptr, &err), 2);
  EXPECT_NE(err.find("bad.csv': line 3: ltable_id '9' is not an id of the left table"), std::string::npos) << err;

  std::string dup = write_text(cli.dir / "dup.csv", "id,name\n1,a\n1,b\n");
  EXPECT_EQ(cli.run("batch --bundle " + cli.bundle + " --left " + dup + " --right " + cli.right + " --output " + output.string(), nullptr, &err), 2);
  EXPECT_NE(err.find("dup.csv': id '1' appears twice"), std::string::npos) << err;

  std::string noname = write_text(cli.dir / "noname.csv", "id,title\n1,a\n");
  EXPECT_EQ(cli.run("batch --bundle " + cli.bundle + " --left " + cli.left + " --right " + noname + " --output " + output.string(), nullptr, &err), 2);
  EXPECT_NE(err.find("right table '" + noname + "' has no column 'name'"), std::string::npos) << err;

  EXPECT_EQ(cli.run("batch" + cli.tables() + " --chunk-size 0 --output " + output.string(), nullptr, &err), 2);
  EXPECT_NE(err.find("chunk-size"), std::string::npos) << err;

  EXPECT_EQ(read_all(output), "previous run\n");
  for (const auto& entry : fs::directory_iterator(cli.dir))
    EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos) << entry.path();
}

TEST(BatchCli, a_failure_mid_job_leaves_the_previous_output) {
  std::string json = kJaccardPipeline;
  json.replace(json.find("\"right_name\": \"string\""), 22, "\"right_name\": \"string\", \"left_price\": \"float64\"");
  Cli cli("batch_midjob", json);
  write_text(cli.left, "id,name,price\n1,sony bravia tv,1\n2,canon camera eos,2\n3,apple ipod nano,not a number\n");
  fs::path output = cli.dir / "matches.csv";
  write_text(output, "previous run\n");
  std::string err;
  EXPECT_EQ(cli.run("batch" + cli.tables() + " --chunk-size 1 --output " + output.string(), nullptr, &err), 2);
  EXPECT_NE(err.find("pairs 4-4: "), std::string::npos) << err;
  EXPECT_EQ(read_all(output), "previous run\n");
}

TEST(BatchCli, bundle_problems_exit_3) {
  Cli cli("batch_bundle");
  std::string err;
  fs::remove(fs::path(cli.bundle) / "model.onnx");
  EXPECT_EQ(cli.run("batch" + cli.tables() + " --output " + (cli.dir / "m.csv").string(), nullptr, &err), 3);
  std::string json = kJaccardPipeline;
  json.replace(json.find("\"text\": \"name\""), 14, "\"text\": \"colour\"");
  Cli other("batch_bundle_text", json);
  EXPECT_EQ(other.run("batch" + other.tables() + " --output " + (other.dir / "m.csv").string(), nullptr, &err), 3);
  EXPECT_NE(err.find("reads column 'colour', which neither table has"), std::string::npos) << err;
}

TEST(BatchCli, without_a_blocking_section_asks_for_pairs) {
  std::string json = kJaccardPipeline;
  json.replace(json.find(",\n  \"blocking\""), std::string::npos, "\n}");
  Cli cli("batch_noblocking", json);
  std::string err;
  EXPECT_EQ(cli.run("batch" + cli.tables() + " --output " + (cli.dir / "m.csv").string(), nullptr, &err), 2);
  EXPECT_NE(err.find("no \"blocking\" section"), std::string::npos) << err;
}

TEST(FeaturesCli, pair_form_writes_the_feature_table_in_pairs_order) {
  Cli cli("features_pairs");
  std::string pairs = write_text(cli.dir / "train.csv", "ltable_id,rtable_id,label\n2,b,1\n1,d,0\n");
  fs::remove(fs::path(cli.bundle) / "model.onnx");  // training computes features before the model exists
  std::string out, err;
  ASSERT_EQ(cli.run("features" + cli.tables() + " --pairs " + pairs, &out, &err), 0) << err;
  EXPECT_EQ(out, "left_id,right_id,p_no,sim\n2,b,0.25,0.75\n1,d,0.75,0.25\n");
  EXPECT_EQ(cli.run("features --bundle " + cli.bundle + " --left " + cli.left + " --pairs " + pairs, nullptr, &err), 2);
  EXPECT_EQ(cli.run("features --bundle " + cli.bundle, nullptr, &err), 2);
  EXPECT_NE(err.find("--input"), std::string::npos) << err;
}

TEST(BatchCli, help_has_examples) {
  Cli cli("help");
  for (const char* cmd : {"batch", "evaluate", "features"}) {
    std::string out;
    EXPECT_EQ(cli.run(std::string(cmd) + " --help", &out), 0) << cmd;
    EXPECT_NE(out.find("onnxfn " + std::string(cmd) + " --bundle"), std::string::npos) << cmd << "\n" << out;
  }
}

}  // namespace
}  // namespace onnxfn
