// The SVG chart of a sweep: median duration (left axis, log scale) and cost per million
// predictions (right axis) against memory size (log scale), one colour per function, failing
// sizes crossed out on the axis, the recommended size of the report's strategy ringed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tune/report.h"

namespace onnxfn::tune {
namespace {

constexpr double kLeft = 90, kRight = 720, kTop = 50, kBottom = 360, kWidth = 820, kHeight = 470;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string label_number(double v) {
  char buf[32];
  if (v >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (v >= 1) std::snprintf(buf, sizeof buf, "%.3g", v);
  else std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle", const char* extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" + escape(s) + "</text>\n";
}

}  // namespace

std::string report_svg(const TuneReport& r) {
  std::vector<const SweepResult*> sweeps = {&r.function};
  if (r.compare) sweeps.push_back(&*r.compare);
  int min_mb = 1 << 30, max_mb = 0;
  double min_ms = 1e300, max_ms = 0, max_cost = 0;
  for (const SweepResult* s : sweeps)
    for (const SizeResult& z : s->sizes) {
      min_mb = std::min(min_mb, z.memory_mb), max_mb = std::max(max_mb, z.memory_mb);
      if (!z.fits || z.duration_ms <= 0) continue;
      min_ms = std::min(min_ms, z.duration_ms), max_ms = std::max(max_ms, z.duration_ms);
      max_cost = std::max(max_cost, z.cost_per_million_predictions);
    }
  if (max_ms <= 0) min_ms = 1, max_ms = 10;
  if (max_cost <= 0) max_cost = 1;
  const double lo = std::floor(std::log10(min_ms)), hi = std::max(lo + 1, std::ceil(std::log10(max_ms)));
  const double span_mb = max_mb > min_mb ? std::log2(static_cast<double>(max_mb) / min_mb) : 1;
  auto x_of = [&](int mb) { return kLeft + (max_mb > min_mb ? std::log2(static_cast<double>(mb) / min_mb) / span_mb : 0.5) * (kRight - kLeft); };
  auto y_ms = [&](double ms) { return kBottom - (std::log10(ms) - lo) / (hi - lo) * (kBottom - kTop); };
  const double cost_top = max_cost * 1.1;
  auto y_cost = [&](double c) { return kBottom - c / cost_top * (kBottom - kTop); };

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
                    num(kHeight) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += text((kLeft + kRight) / 2, 22,
              "Lambda memory sweep (" + std::string(arch_name(r.options.arch)) + "): median duration and cost per million predictions", "middle",
              " font-size=\"14\" font-weight=\"bold\"");
  // Axes and grid.
  svg += "<g stroke=\"#999\" fill=\"none\">\n<path d=\"M" + num(kLeft) + " " + num(kTop) + " V" + num(kBottom) + " H" + num(kRight) + " V" + num(kTop) +
         "\"/>\n</g>\n";
  for (double d = lo; d <= hi + 1e-9; ++d)
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, d);
      if (std::log10(v) > hi + 1e-9) continue;
      const double y = y_ms(v);
      svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kRight) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) + "\" stroke=\"#eee\"/>\n";
      svg += text(kLeft - 6, y + 4, label_number(v), "end");
    }
  for (int i = 0; i <= 5; ++i) {
    const double c = cost_top * i / 5;
    svg += text(kRight + 6, y_cost(c) + 4, "$" + label_number(c), "start");
  }
  std::vector<int> sizes;
  for (const SweepResult* s : sweeps)
    for (const SizeResult& z : s->sizes) sizes.push_back(z.memory_mb);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  double last_x = -100;
  for (int mb : sizes) {
    const double x = x_of(mb);
    svg += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(kBottom) + "\" y2=\"" + num(kBottom + 5) + "\" stroke=\"#999\"/>\n";
    if (x - last_x > 30) svg += text(x, kBottom + 18, std::to_string(mb)), last_x = x;  // close sizes: one label
  }
  svg += text((kLeft + kRight) / 2, kBottom + 38, "memory size (MB, log scale)");
  svg += text(24, (kTop + kBottom) / 2, "median duration (ms, log scale)", "middle",
              (" transform=\"rotate(-90 24 " + num((kTop + kBottom) / 2) + ")\"").c_str());
  svg += text(kWidth - 14, (kTop + kBottom) / 2, "USD per million predictions", "middle",
              (" transform=\"rotate(90 " + num(kWidth - 14) + " " + num((kTop + kBottom) / 2) + ")\"").c_str());

  const char* colours[] = {"#1f77b4", "#d62728"};
  double legend_y = kBottom + 60;
  for (size_t i = 0; i < sweeps.size(); ++i) {
    const SweepResult& s = *sweeps[i];
    const std::string colour = colours[i % 2];
    std::string duration_path, cost_path;
    for (const SizeResult& z : s.sizes) {
      const double x = x_of(z.memory_mb);
      if (!z.fits) {
        svg += text(x, kBottom - 4 - 14.0 * static_cast<double>(i), "x", "middle", (" fill=\"" + colour + "\" font-weight=\"bold\"").c_str());
        continue;
      }
      duration_path += (duration_path.empty() ? "M" : " L") + num(x) + " " + num(y_ms(z.duration_ms));
      cost_path += (cost_path.empty() ? "M" : " L") + num(x) + " " + num(y_cost(z.cost_per_million_predictions));
      svg += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y_ms(z.duration_ms)) + "\" r=\"3.5\" fill=\"" + colour + "\"/>\n";
      svg += "<rect x=\"" + num(x - 3) + "\" y=\"" + num(y_cost(z.cost_per_million_predictions) - 3) + "\" width=\"6\" height=\"6\" fill=\"white\" stroke=\"" +
             colour + "\"/>\n";
    }
    if (!duration_path.empty()) svg += "<path d=\"" + duration_path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
    if (!cost_path.empty()) svg += "<path d=\"" + cost_path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";
    const int rec = recommended_memory(s, r.options.strategy);
    for (const SizeResult& z : s.sizes)
      if (z.memory_mb == rec && z.fits) {
        const double x = x_of(rec), y = y_ms(z.duration_ms);
        svg += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"9\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
        svg += text(x, y - 14, std::string(strategy_name(r.options.strategy)) + ": " + std::to_string(rec) + " MB", "middle",
                    (" fill=\"" + colour + "\" font-weight=\"bold\"").c_str());
      }
    const double cheapest = cheapest_cost_per_million(s);
    svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + 24) + "\" y1=\"" + num(legend_y - 4) + "\" y2=\"" + num(legend_y - 4) + "\" stroke=\"" + colour +
           "\" stroke-width=\"2\"/>\n";
    svg += text(kLeft + 30, legend_y,
                s.name + (cheapest > 0 ? ": cheapest $" + label_number(cheapest) + " per million predictions" : std::string(": no size fits")), "start");
    legend_y += 16;
  }
  svg += text(kLeft, legend_y + 4, "solid: median duration; dashed: cost per million predictions; x: the size fails (peak RSS or an error)", "start",
              " fill=\"#555\"");
  return svg + "</svg>\n";
}

}  // namespace onnxfn::tune
