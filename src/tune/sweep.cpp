// The memory sweep (see sweep.h).
#include "tune/sweep.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "common/error.h"
#include "engine/thread_pool.h"
#include "tune/cpu_quota.h"
#include "tune/emulated_function.h"

namespace onnxfn::tune {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Measured {
  double first_ms = 0;
  std::vector<double> wall_ms, cpu_ms;
  double peak_rss_mb = 0;
  std::string failure;
};

// One function start: a cold invocation, then `runs` warm ones; stops at the first error.
Measured measure(const FunctionUnderTest& f, const TuneOptions& o, const std::string& memory_env, const std::string& procs,
                 const std::string& log) {
  FunctionSpec spec;
  spec.emulator = o.emulator;
  spec.command = f.command;
  spec.env = {{"LAMBDA_TASK_ROOT", f.task_root},
              {"_HANDLER", f.handler},
              {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_env},
              {"AWS_LAMBDA_FUNCTION_TIMEOUT", std::to_string(o.timeout_seconds)}};
  spec.cpu_group_procs = procs;
  spec.log_path = log;
  spec.cwd = f.task_root;
  EmulatedFunction fn(spec);
  Measured m;
  for (int i = 0; i <= o.runs; ++i) {
    const Invocation inv = fn.invoke(f.event, o.timeout_seconds);
    if (!inv.ok) {
      m.failure = "invocation " + std::to_string(i + 1) + " failed: " + inv.body.substr(0, 300) + " (log: " + log + ")";
      break;
    }
    if (i == 0) {
      m.first_ms = inv.duration_ms;
      continue;
    }
    m.wall_ms.push_back(inv.duration_ms);
    m.cpu_ms.push_back(inv.cpu_ms);
  }
  m.peak_rss_mb = fn.peak_rss_mb();
  return m;
}

SizeResult base_size(int mb) {
  SizeResult s;
  s.memory_mb = mb;
  s.cpu_share = cpu_share(mb);
  s.vcpus = vcpu_count(mb);
  return s;
}

// Fills the measured and CPU-bound figures and picks the ones the cost uses.
void finish_durations(SizeResult& s, const std::vector<double>& measured, const std::vector<double>& cpu, int threads, const TuneOptions& o) {
  std::vector<double> bound;
  for (double c : cpu) bound.push_back(c / std::min(s.cpu_share, static_cast<double>(threads)));
  s.measured_ms = median(measured);
  s.cpu_bound_ms = median(bound);
  s.cpu_ms = median(cpu);
  s.contended = s.measured_ms > 1.5 * s.cpu_bound_ms;
  s.durations_ms = o.duration_basis == "cpu" ? bound : measured;
  s.duration_ms = median(s.durations_ms);
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

}  // namespace

int64_t predictions_in_event(const std::string& event) {
  rapidjson::Document d;
  d.Parse(event.data(), event.size());
  if (d.HasParseError() || !d.IsObject()) throw_error(ErrorKind::BadInput, "tune: the event is not a JSON object");
  if (auto r = d.FindMember("records"); r != d.MemberEnd() && r->value.IsArray()) return r->value.Size();
  if (auto in = d.FindMember("inputs"); in != d.MemberEnd() && in->value.IsArray() && !in->value.Empty()) {
    const auto& first = in->value[0];
    if (!first.IsObject()) return 1;
    if (auto s = first.FindMember("shape"); s != first.MemberEnd() && s->value.IsArray() && !s->value.Empty() && s->value[0].IsInt64()) {
      if (s->value[0].GetInt64() < 0) throw_error(ErrorKind::BadInput, "tune: the event's first input has a negative row count in its shape");
      return s->value[0].GetInt64();
    }
  }
  return 1;
}

void price_sweep(SweepResult& sweep, const TuneOptions& o) {
  std::vector<Candidate> candidates;
  for (SizeResult& s : sweep.sizes) {
    if (s.fits && s.peak_rss_mb > s.memory_mb) {
      s.fits = false;
      s.failure = "peak RSS " + std::to_string(static_cast<int>(std::ceil(s.peak_rss_mb))) + " MB does not fit in " + std::to_string(s.memory_mb) +
                  " MB (Lambda ends the invocation: Runtime.OutOfMemory)";
    }
    if (s.fits) {
      s.billed_ms = billed_ms(s.duration_ms);
      s.cost = invocation_cost(s.duration_ms, s.memory_mb, o.arch);
      s.cost_per_million_predictions = sweep.predictions > 0 ? s.cost * 1e6 / static_cast<double>(sweep.predictions) : 0;
    }
    candidates.push_back({s.memory_mb, s.duration_ms, s.cost, s.fits});
  }
  sweep.recommendations.clear();
  for (Strategy st : {Strategy::Cost, Strategy::Speed, Strategy::Balanced}) {
    const int i = recommend(candidates, st, o.balanced_weight);
    sweep.recommendations.push_back({st, i < 0 ? 0 : candidates[static_cast<size_t>(i)].memory_mb});
  }
}

int recommended_memory(const SweepResult& sweep, Strategy strategy) {
  for (const Recommendation& r : sweep.recommendations)
    if (r.strategy == strategy) return r.memory_mb;
  return 0;
}

double cheapest_cost_per_million(const SweepResult& sweep) {
  double best = 0;
  for (const SizeResult& z : sweep.sizes)
    if (z.fits && (best == 0 || z.cost_per_million_predictions < best)) best = z.cost_per_million_predictions;
  return best;
}

SweepResult run_sweep(const FunctionUnderTest& f, const TuneOptions& o) {
  if (o.runs < 1 || o.runs > 1000) throw_error(ErrorKind::BadInput, "--runs " + std::to_string(o.runs) + ": give 1 to 1000");
  if (o.memory_mb.empty()) throw_error(ErrorKind::BadInput, "--memory: no sizes");
  if (o.duration_basis != "measured" && o.duration_basis != "cpu")
    throw_error(ErrorKind::BadInput, "--duration '" + o.duration_basis + "': measured or cpu");
  SweepResult sweep;
  sweep.name = f.name;
  for (const auto& part : f.command) sweep.command += (sweep.command.empty() ? "" : " ") + part;
  sweep.predictions = f.predictions;
  const int machine = available_cpus();
  std::filesystem::create_directories(o.work_dir);

  CpuController controller;
  if (o.method != "threads") controller = find_cpu_controller();
  if (o.method == "cgroup" && controller.version == 0)
    throw_error(ErrorKind::BadInput, "--method cgroup: no writable cpu cgroup here (" + controller.why_not + ")");
  if (o.method != "auto" && o.method != "cgroup" && o.method != "threads")
    throw_error(ErrorKind::BadInput, "--method '" + o.method + "': auto, cgroup or threads");

  if (controller.version != 0) {
    sweep.method = "cgroup";
    sweep.method_note = "cgroup v" + std::to_string(controller.version) + " CPU quota per size under " + controller.parent +
                        " (quota = memory / 1769 MB CPUs, capped at this machine's " + std::to_string(machine) + ")";
    for (int mb : o.memory_mb) {
      SizeResult s = base_size(mb);
      s.emulated_cpus = std::min(s.cpu_share, static_cast<double>(machine));
      s.capped = s.cpu_share > machine;
      const std::string name = "onnxfn-tune-" + std::to_string(::getpid()) + "-" + slug(f.name) + "-" + std::to_string(mb);
      auto group = std::make_unique<CpuQuotaGroup>(controller, name, s.emulated_cpus);
      const Measured m = measure(f, o, std::to_string(mb), group->procs_file(), o.work_dir + "/" + slug(f.name) + "-" + std::to_string(mb) + ".log");
      s.throttled_periods = group->throttled_periods();
      s.first_ms = m.first_ms;
      finish_durations(s, m.wall_ms, m.cpu_ms, std::min(s.vcpus, machine), o);
      s.peak_rss_mb = m.peak_rss_mb;
      if (!m.failure.empty()) s.fits = false, s.failure = m.failure;
      sweep.sizes.push_back(std::move(s));
    }
  } else {
    sweep.method = "threads";
    sweep.method_note = (o.method == "threads" ? std::string("asked for") : "no writable cpu cgroup (" + controller.why_not + ")") +
                        ": measured unlimited at 1.." + std::to_string(machine) +
                        " threads; a size with share s on k threads is predicted as max(wall(k), cpu(k) / s)";
    int most = 1;
    for (int mb : o.memory_mb) most = std::max(most, std::min(vcpu_count(mb), machine));
    std::vector<Measured> at(static_cast<size_t>(most) + 1);
    for (int k = 1; k <= most; ++k)
      at[static_cast<size_t>(k)] = measure(f, o, std::to_string(static_cast<int>(k * kMbPerVcpu)), "",
                                           o.work_dir + "/" + slug(f.name) + "-threads-" + std::to_string(k) + ".log");
    for (int mb : o.memory_mb) {
      SizeResult s = base_size(mb);
      const int k = std::min(s.vcpus, machine);
      const Measured& m = at[static_cast<size_t>(k)];
      s.emulated_cpus = k;
      s.capped = s.cpu_share > machine;
      // Lambda gives the size s CPU-seconds per second: the work's CPU time cannot finish faster,
      // and k threads cannot finish faster than they did unlimited.
      std::vector<double> predicted;
      for (size_t i = 0; i < m.wall_ms.size(); ++i) predicted.push_back(std::max(m.wall_ms[i], m.cpu_ms[i] / s.cpu_share));
      s.first_ms = m.first_ms * std::max(1.0, 1.0 / s.cpu_share);
      finish_durations(s, predicted, m.cpu_ms, k, o);
      s.peak_rss_mb = m.peak_rss_mb;
      if (!m.failure.empty()) s.fits = false, s.failure = m.failure;
      sweep.sizes.push_back(std::move(s));
    }
  }
  price_sweep(sweep, o);
  return sweep;
}

}  // namespace onnxfn::tune
