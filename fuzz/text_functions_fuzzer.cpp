// Fuzzes every text function: the input is split in two halves, used as two values (and as a
// regex pattern and its subject). Only onnxfn::Error may escape a function; every text result
// must be valid UTF-8 and every similarity must lie in [0, 1].
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "common/error.h"
#include "frame/text/regex_functions.h"
#include "frame/text/similarity.h"
#include "frame/text/string_functions.h"
#include "frame/text/tokenize.h"
#include "frame/text/unicode.h"

namespace {

using namespace onnxfn::text;

void check_text(std::string_view s) {
  if (!is_valid_utf8(s)) std::abort();
}

void check_similarity(std::optional<double> v) {
  if (!v || !(*v >= 0.0 && *v <= 1.0)) std::abort();
}

void string_functions(std::string_view a, std::string_view b) {
  check_text(to_lower(a));
  check_text(to_upper(a));
  check_text(case_fold(a));
  check_text(trim(a));
  for (const auto form : {NormalForm::NFC, NormalForm::NFD, NormalForm::NFKC, NormalForm::NFKD})
    check_text(normalize(a, form));
  check_text(fold_accents(a));
  check_text(strip_punctuation(a, b.substr(0, 4)));
  check_text(collapse_whitespace(a));
  // transform's ASCII and Latin shortcuts must agree with the general path.
  for (unsigned flags = 0; flags < 16; flags += 5) {
    const TextTransform how{.case_fold = (flags & 1) != 0, .compatibility = (flags & 2) != 0,
                            .strip_nonspacing_marks = (flags & 4) != 0, .compose = (flags & 8) != 0};
    std::u32string fast, reference;
    transform(a, how, fast);
    transform_without_shortcuts(a, how, reference);
    if (fast != reference) std::abort();
  }
  for (const std::string& t : tokenize(a)) check_text(t);
  for (const std::string& g : qgrams(a, 1 + b.size() % 4, !b.empty() && b[0] & 1)) check_text(g);
  try {
    for (const std::string& part : split(a, b.substr(0, 2))) check_text(part);
  } catch (const onnxfn::Error&) {
  }
  for (const std::string& code : extract_model_numbers(a)) check_text(code);
}

void regex_functions(std::string_view pattern, std::string_view subject) {
  try {
    const Regex regex(pattern);
    regex_contains(regex, subject);
    if (const auto found = regex_extract(regex, subject, regex.capture_groups() > 0 ? 1 : 0))
      check_text(*found);
    check_text(regex_replace(regex, subject, "<\\0>"));
    check_text(regex_replace(regex, subject, subject.substr(0, 8), false));
  } catch (const onnxfn::Error&) {
  }
}

void similarities(std::string_view a, std::string_view b) {
  const std::u32string ca = decode_utf8(a), cb = decode_utf8(b);
  const size_t d = levenshtein_distance(ca, cb);
  if (d > std::max(ca.size(), cb.size()) || d != levenshtein_distance(cb, ca)) std::abort();
  check_similarity(levenshtein_similarity(ca, cb));
  check_similarity(jaro(ca, cb));
  check_similarity(jaro_winkler(ca, cb));

  for (const bool punctuation : {false, true}) {
    const PrepareOptions options{.strip_punctuation = punctuation,
                                 .qgram_size = 1 + a.size() % 5,
                                 .qgram_padding = punctuation};
    const PreparedString pa(a, options), pb(b, options), null_value;
    check_text(pa.text());
    check_similarity(exact_match(pa, pb));
    check_similarity(levenshtein_similarity(pa, pb));
    // Two pairs at once (interleaved loops) give what two calls give.
    std::optional<double> two[2];
    levenshtein_similarity_2(pa, pb, pb, null_value, two);
    if (two[0] != levenshtein_similarity(pa, pb) || two[1]) std::abort();
    levenshtein_similarity_2(pb, pa, pa, pa, two);
    if (two[0] != levenshtein_similarity(pb, pa) || two[1] != levenshtein_similarity(pa, pa)) std::abort();
    check_similarity(jaro(pa, pb));
    check_similarity(jaro_winkler(pa, pb));
    check_similarity(token_jaccard(pa, pb));
    check_similarity(qgram_jaccard(pa, pb));
    check_similarity(token_cosine(pa, pb));
    check_similarity(monge_elkan(pa, pb));
    check_similarity(monge_elkan_symmetric(pa, pb, InnerSimilarity::Levenshtein));
    if (jaro(pa, null_value) || token_jaccard(null_value, pb)) std::abort();
    const auto codes = compare_model_numbers(pa, pb);
    if (!codes || codes->jaccard() < 0 || codes->jaccard() > 1) std::abort();
    // Prepared model numbers (from tokens on ASCII text) are extract_model_numbers' codes.
    if (!punctuation) {
      const std::vector<std::string> expected = extract_model_numbers(a);
      if (pa.model_numbers() != std::vector<std::string_view>(expected.begin(), expected.end())) std::abort();
    }
    // The one-pass path (ASCII, and Latin text that transforms to ASCII) prepares what the
    // general path does.
    PrepareOptions general_options = options;
    general_options.fast_paths = false;
    const PreparedString general(a, general_options);
    if (general.text() != pa.text() || general.code_points() != pa.code_points() ||
        general.token_count() != pa.token_count() || !std::ranges::equal(general.token_set(), pa.token_set()) ||
        !std::ranges::equal(general.qgram_set(), pa.qgram_set()) || general.model_numbers() != pa.model_numbers())
      std::abort();
    for (size_t i = 0; i < pa.token_count(); ++i)
      if (general.token(i) != pa.token(i) || general.token_char_mask(i) != pa.token_char_mask(i)) std::abort();
    // The probe table counts what the merge counts.
    SetProbe probe;
    probe.assign(pa.qgram_set());
    if (probe.intersection_size(pb.qgram_set()) != intersection_size(pa.qgram_set(), pb.qgram_set())) std::abort();

    IdfTable table;
    table.add_document(pa);
    const IdfTable parsed = IdfTable::parse(table.serialize(), "fuzz");
    if (parsed.serialize() != table.serialize()) std::abort();
    check_similarity(tfidf_cosine(pa, pb, parsed));
  }
  try {
    IdfTable::parse(a, "fuzz");
  } catch (const onnxfn::Error&) {
  }

  double x = 0, y = 0;
  std::memcpy(&x, a.data(), std::min(a.size(), sizeof x));
  std::memcpy(&y, b.data(), std::min(b.size(), sizeof y));
  const auto n = numeric_similarity(x, y);
  if (n) check_similarity(n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view a = input.substr(0, size / 2), b = input.substr(size / 2);
  try {
    string_functions(a, b);
    regex_functions(a, b);
    similarities(a, b);
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
