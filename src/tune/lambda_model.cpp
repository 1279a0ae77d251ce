// Lambda's CPU, price and strategy model (see lambda_model.h; sources in docs/tune.md).
#include "tune/lambda_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/error.h"

namespace onnxfn::tune {

Arch parse_arch(std::string_view name) {
  if (name == "x86_64") return Arch::X86_64;
  if (name == "arm64") return Arch::Arm64;
  throw_error(ErrorKind::BadInput, "--arch '" + std::string(name) + "': Lambda architectures are x86_64 and arm64");
}

std::string_view arch_name(Arch arch) { return arch == Arch::Arm64 ? "arm64" : "x86_64"; }

double price_per_gb_second(Arch arch) { return arch == Arch::Arm64 ? 0.0000133334 : 0.0000166667; }

double cpu_share(int memory_mb) { return std::min(static_cast<double>(memory_mb) / kMbPerVcpu, static_cast<double>(kMaxVcpus)); }

int vcpu_count(int memory_mb) {
  return std::clamp(static_cast<int>(std::ceil(static_cast<double>(memory_mb) / kMbPerVcpu)), 1, kMaxVcpus);
}

int64_t billed_ms(double duration_ms) {
  // A duration measured as 12.0000001 ms is billed 13 ms, as Lambda bills any started millisecond.
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(duration_ms)));
}

double invocation_cost(double duration_ms, int memory_mb, Arch arch) {
  const double gb_seconds = static_cast<double>(billed_ms(duration_ms)) / 1000.0 * (static_cast<double>(memory_mb) / 1024.0);
  return gb_seconds * price_per_gb_second(arch) + kPricePerMillionRequests / 1e6;
}

std::vector<int> parse_memory_list(std::string_view list) {
  std::vector<int> sizes;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view item = list.substr(start, comma - start);
    int mb = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), mb);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || mb < kMinMemoryMb || mb > kMaxMemoryMb)
      throw_error(ErrorKind::BadInput, "--memory: '" + std::string(item) + "' is not a Lambda memory size (whole MB from 128 to 10240)");
    if (std::find(sizes.begin(), sizes.end(), mb) == sizes.end()) sizes.push_back(mb);
    start = comma + 1;
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

Strategy parse_strategy(std::string_view name) {
  if (name == "cost") return Strategy::Cost;
  if (name == "speed") return Strategy::Speed;
  if (name == "balanced") return Strategy::Balanced;
  throw_error(ErrorKind::BadInput, "--strategy '" + std::string(name) + "': one of cost, speed, balanced");
}

std::string_view strategy_name(Strategy strategy) {
  switch (strategy) {
    case Strategy::Cost: return "cost";
    case Strategy::Speed: return "speed";
    case Strategy::Balanced: return "balanced";
  }
  return "cost";
}

int recommend(const std::vector<Candidate>& candidates, Strategy strategy, double balanced_weight) {
  double max_cost = 0, max_duration = 0;
  for (const Candidate& c : candidates)
    if (c.fits) max_cost = std::max(max_cost, c.cost), max_duration = std::max(max_duration, c.duration_ms);
  const double w = std::clamp(balanced_weight, 0.0, 1.0);
  auto value = [&](const Candidate& c) {
    return w * (max_cost > 0 ? c.cost / max_cost : 0) + (1 - w) * (max_duration > 0 ? c.duration_ms / max_duration : 0);
  };
  // Strictly better by the strategy's key, then by the other one: the first of equals wins.
  auto better = [&](const Candidate& a, const Candidate& b) {
    switch (strategy) {
      case Strategy::Cost: return a.cost != b.cost ? a.cost < b.cost : a.duration_ms < b.duration_ms;
      case Strategy::Speed: return a.duration_ms != b.duration_ms ? a.duration_ms < b.duration_ms : a.cost < b.cost;
      case Strategy::Balanced: return value(a) < value(b);
    }
    return false;
  };
  int best = -1;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].fits && (best < 0 || better(candidates[i], candidates[static_cast<size_t>(best)]))) best = static_cast<int>(i);
  return best;
}

}  // namespace onnxfn::tune
