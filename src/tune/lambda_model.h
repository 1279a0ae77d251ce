// Lambda's published CPU and price model (sources in docs/tune.md): how many vCPUs a memory size
// gets, what an invocation costs, and Power Tuning's three ways of picking a size from a sweep.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn::tune {

inline constexpr int kMinMemoryMb = 128;
inline constexpr int kMaxMemoryMb = 10240;
// "At 1,769 MB, a function has the equivalent of one vCPU"; CPU is allocated in proportion to
// memory, up to 6 vCPUs at 10,240 MB.
inline constexpr double kMbPerVcpu = 1769.0;
inline constexpr int kMaxVcpus = 6;
inline constexpr double kPricePerMillionRequests = 0.20;  // USD, both architectures

enum class Arch { X86_64, Arm64 };
Arch parse_arch(std::string_view name);  // "x86_64" | "arm64"; BadInput otherwise
std::string_view arch_name(Arch arch);
double price_per_gb_second(Arch arch);   // USD: x86_64 0.0000166667, arm64 0.0000133334

// CPU time per second of wall time the size gets: memory / 1,769 MB, at most 6.
double cpu_share(int memory_mb);
// vCPUs the function sees (threads worth running): one per started 1,769 MB, 1 to 6.
int vcpu_count(int memory_mb);

// Billed milliseconds: the duration rounded up to the next whole millisecond (at least 1).
int64_t billed_ms(double duration_ms);
// USD for one invocation: billed seconds x memory in GB (MB / 1024) x the price per GB-second,
// plus one request's share of $0.20 per million.
double invocation_cost(double duration_ms, int memory_mb, Arch arch);

// Parses "128,256,1769" (MB, each 128..10240); BadInput naming the bad entry.
std::vector<int> parse_memory_list(std::string_view list);

enum class Strategy { Cost, Speed, Balanced };
Strategy parse_strategy(std::string_view name);  // "cost" | "speed" | "balanced"
std::string_view strategy_name(Strategy strategy);

struct Candidate {
  int memory_mb = 0;
  double duration_ms = 0;  // per invocation
  double cost = 0;         // USD per invocation
  bool fits = true;        // false: the size failed (out of memory, error): never recommended
};

// Index of the size Power Tuning's analyzer would pick, or -1 when no candidate fits:
//   cost:     cheapest, ties to the faster;   speed: fastest, ties to the cheaper;
//   balanced: least weight * cost / max cost + (1 - weight) * duration / max duration
//             (weight 0 = speed, 1 = cost; maxima over the sizes that fit).
int recommend(const std::vector<Candidate>& candidates, Strategy strategy, double balanced_weight = 0.5);

}  // namespace onnxfn::tune
