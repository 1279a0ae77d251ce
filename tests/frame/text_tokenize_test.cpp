// Word tokenisation: letter/digit runs, ideographs one by one.
#include <gtest/gtest.h>

#include "frame/text/tokenize.h"

namespace onnxfn::text {
namespace {

using Strings = std::vector<std::string>;

TEST(TextTokenize, splits_on_everything_but_letters_digits_and_marks) {
  EXPECT_EQ(tokenize("Sony DSC-W55, 7.2MP"), (Strings{"Sony", "DSC", "W55", "7", "2MP"}));
  EXPECT_EQ(tokenize("  don't  stop_now "), (Strings{"don", "t", "stop", "now"}));
  EXPECT_EQ(tokenize("$100+tax"), (Strings{"100", "tax"}));
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize(" -- !! ").empty());
}

TEST(TextTokenize, keeps_accents_and_combining_marks_inside_words) {
  EXPECT_EQ(tokenize("Café Ñandú"), (Strings{"Café", "Ñandú"}));
  EXPECT_EQ(tokenize("Cafe\u0301 x"), (Strings{"Cafe\u0301", "x"}));
  EXPECT_EQ(tokenize("हिंदी भाषा"), (Strings{"हिंदी", "भाषा"}));
}

TEST(TextTokenize, makes_each_ideograph_and_hiragana_a_token) {
  EXPECT_EQ(tokenize("索尼相机 DSC"), (Strings{"索", "尼", "相", "机", "DSC"}));
  EXPECT_EQ(tokenize("ソニーのカメラ"), (Strings{"ソニー", "の", "カメラ"}));
  EXPECT_EQ(tokenize("한국 제품"), (Strings{"한국", "제품"}));
}

TEST(TextTokenize, treats_emoji_and_symbols_as_separators) {
  EXPECT_EQ(tokenize("love😀it ©2024"), (Strings{"love", "it", "2024"}));
}

TEST(TextTokenize, reports_code_point_spans) {
  std::vector<TokenSpan> spans;
  tokenize(U"ab 東京 c", spans);
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(spans[0].begin, 0u);
  EXPECT_EQ(spans[0].length, 2u);
  EXPECT_EQ(spans[1].begin, 3u);
  EXPECT_EQ(spans[2].begin, 4u);
  EXPECT_EQ(spans[3].begin, 6u);
  EXPECT_EQ(spans[3].length, 1u);
}

}  // namespace
}  // namespace onnxfn::text
