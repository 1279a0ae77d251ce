// The terminal table of a sweep (see report.h).
#include <cstdio>
#include <string>

#include "tune/report.h"

namespace onnxfn::tune {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string sweep_table(const SweepResult& s, const TuneReport& r) {
  std::string out = s.name + " (" + s.command + "), " + std::to_string(s.predictions) + " predictions per invocation\n" +
                    "  method: " + s.method_note + "\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %7s %6s %6s %9s %9s %8s %9s %7s %9s %12s %12s  %s\n", "MB", "vCPU", "emul.", "first ms", "measured",
                "cpu ms", "cpu-bound", "RSS MB", "billed ms", "$/invocation", "$/M predict.", "");
  out += line;
  for (const SizeResult& z : s.sizes) {
    std::string note;
    for (const Recommendation& rec : s.recommendations)
      if (rec.memory_mb == z.memory_mb) note += std::string(note.empty() ? "<- " : ", ") + std::string(strategy_name(rec.strategy));
    if (z.capped) note += std::string(note.empty() ? "" : "; ") + "capped: " + fmt("%.2f", z.cpu_share) + " vCPUs asked, machine has " + std::to_string(r.machine_cpus);
    if (z.contended) note += std::string(note.empty() ? "" : "; ") + "contended (machine busy)";
    if (!z.fits) note = "FAILS: " + z.failure;
    std::snprintf(line, sizeof line, "  %7d %6.2f %6.2f %9.1f %9.1f %8.1f %9.1f %7.1f %9s %12s %12s  %s\n", z.memory_mb, z.cpu_share, z.emulated_cpus,
                  z.first_ms, z.measured_ms, z.cpu_ms, z.cpu_bound_ms, z.peak_rss_mb, z.fits ? std::to_string(z.billed_ms).c_str() : "-",
                  z.fits ? fmt("%.3e", z.cost).c_str() : "-", z.fits ? fmt("%.3g", z.cost_per_million_predictions).c_str() : "-", note.c_str());
    out += line;
  }
  out += "  costs from " + std::string(r.options.duration_basis == "cpu" ? "cpu-bound" : "measured") + " durations; recommended:";
  for (const Recommendation& rec : s.recommendations)
    out += std::string(rec.strategy == Strategy::Cost ? " " : ", ") + std::string(strategy_name(rec.strategy)) + " " +
           (rec.memory_mb ? std::to_string(rec.memory_mb) + " MB" : "none fits") +
           (rec.strategy == Strategy::Balanced ? " (weight " + fmt("%.2f", r.options.balanced_weight) + ")" : "");
  return out + "\n";
}

}  // namespace

std::string report_table(const TuneReport& r) {
  std::string out = "onnxfn tune: " + std::string(arch_name(r.options.arch)) + " at $" + fmt("%.10f", price_per_gb_second(r.options.arch)) +
                    " per GB-second + $0.20 per million requests; " + std::to_string(r.options.runs) + " warm invocations per size (median); machine: " +
                    std::to_string(r.machine_cpus) + " CPUs, load " + r.machine_load + "\n";
  out += sweep_table(r.function, r);
  if (r.compare) {
    out += sweep_table(*r.compare, r);
    const double a = cheapest_cost_per_million(r.function), b = cheapest_cost_per_million(*r.compare);
    if (a > 0 && b > 0)
      out += "cost per million predictions at each one's cheapest size: " + r.function.name + " $" + fmt("%.3g", a) + ", " + r.compare->name + " $" +
             fmt("%.3g", b) + ": " + fmt("%.1f", b / a) + "x\n";
  }
  return out;
}

}  // namespace onnxfn::tune
