// Model-number extraction and comparison.
#include <gtest/gtest.h>

#include "frame/text/similarity.h"

namespace onnxfn::text {
namespace {

using Strings = std::vector<std::string>;

TEST(TextModelNumbers, extracts_tokens_mixing_letters_and_digits) {
  EXPECT_EQ(extract_model_numbers("Sony Cyber-shot DSC-W55 7.2MP Digital Camera"),
            (Strings{"72mp", "dscw55"}));
  EXPECT_EQ(extract_model_numbers("Sony Bravia KDL40V4100 40\" LCD TV"), (Strings{"kdl40v4100"}));
  EXPECT_EQ(extract_model_numbers("Logitech MK-4000/B keyboard"), (Strings{"mk4000b"}));
  EXPECT_EQ(extract_model_numbers("Apple iPhone 12"), Strings{});
  EXPECT_EQ(extract_model_numbers(""), Strings{});
}

TEST(TextModelNumbers, drops_joiners_only_between_code_characters) {
  EXPECT_EQ(extract_model_numbers("model W55. Also -X100- and A1--B2"),
            (Strings{"a1", "b2", "w55", "x100"}));
  EXPECT_EQ(extract_model_numbers("KDL 40V4100"), (Strings{"40v4100"}));  // never across a space
  EXPECT_EQ(extract_model_numbers("SX\u2010200"), (Strings{"sx200"}));      // U+2010 HYPHEN
}

TEST(TextModelNumbers, normalises_fullwidth_forms_and_case) {
  EXPECT_EQ(extract_model_numbers("ソニー ＤＳＣ－Ｗ５５"), (Strings{"dscw55"}));
  EXPECT_EQ(extract_model_numbers("dsc-w55 DSC-W55 DscW55"), (Strings{"dscw55"}));
  EXPECT_EQ(extract_model_numbers("型号KDL40 型号"), (Strings{"kdl40"}));  // other scripts separate
}

TEST(TextModelNumbers, optionally_keeps_long_numbers) {
  const ModelNumberOptions numbers{.min_digits_for_numbers = 3};
  EXPECT_EQ(extract_model_numbers("Part 4100 fits 40 and W55", numbers),
            (Strings{"4100", "w55"}));
  EXPECT_EQ(extract_model_numbers("Part 4100 fits 40 and W55"), (Strings{"w55"}));
  const ModelNumberOptions long_only{.min_length = 4};
  EXPECT_EQ(extract_model_numbers("4K TV KDL40V4100 W55", long_only), (Strings{"kdl40v4100"}));
}

TEST(TextModelNumbers, compares_code_sets_and_flags_conflicts) {
  const PreparedString a("Sony DSC-W55 black"), b("SONY DSCW55 Cyber-shot"),
      c("Sony DSC-W70 black"), d("Sony camera"), e("Sony DSC-W55 / DSC-W70 bundle");
  const auto same = *compare_model_numbers(a, b);
  EXPECT_EQ(same.common, 1u);
  EXPECT_DOUBLE_EQ(same.jaccard(), 1.0);
  EXPECT_FALSE(same.conflict());
  const auto different = *compare_model_numbers(a, c);
  EXPECT_DOUBLE_EQ(different.jaccard(), 0.0);
  EXPECT_TRUE(different.conflict());
  const auto one_sided = *compare_model_numbers(a, d);
  EXPECT_FALSE(one_sided.both_present());
  EXPECT_FALSE(one_sided.conflict());
  EXPECT_DOUBLE_EQ(one_sided.jaccard(), 0.0);
  const auto partial = *compare_model_numbers(a, e);
  EXPECT_DOUBLE_EQ(partial.jaccard(), 0.5);
  EXPECT_FALSE(partial.conflict());
}

TEST(TextModelNumbers, neither_side_having_codes_is_no_evidence_and_null_is_null) {
  const auto none = *compare_model_numbers(PreparedString("sony camera"), PreparedString(""));
  EXPECT_EQ(none.left + none.right, 0u);
  EXPECT_DOUBLE_EQ(none.jaccard(), 0.0);
  EXPECT_FALSE(none.conflict());
  EXPECT_EQ(compare_model_numbers(PreparedString(), PreparedString("W55")), std::nullopt);
}

}  // namespace
}  // namespace onnxfn::text
