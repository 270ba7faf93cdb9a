#include "run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace tumen::cli {

namespace {

// Linear interpolation between order statistics (numpy's default percentile method).
double quantile(std::vector<double> values, double q) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

}  // namespace

RunSummary::RunSummary(const RunDescription& run, ResultSink& next)
    : run_(run),
      next_(next),
      event_totals_(run.events.size()),
      destination_totals_(run.destinations.size()) {}

void RunSummary::write(const ReplicateResult& result) {
  next_.write(result);
  const std::size_t events = run_.events.size();
  const std::size_t sexes = run_.sexes.size();
  for (std::size_t e = 0; e < events; ++e) {
    double total = 0;
    for (std::size_t t = 0; t < run_.time_count(); ++t) {
      for (std::size_t s = 0; s < sexes; ++s) {
        total += static_cast<double>(result.events[(t * events + e) * sexes + s]);
      }
    }
    event_totals_[e].push_back(total);
  }
  const std::size_t destinations = run_.destinations.size();
  for (std::size_t d = 0; d < destinations; ++d) {
    double total = 0;
    for (std::size_t t = 0; t < run_.time_count(); ++t) {
      for (std::size_t s = 0; s < sexes; ++s) {
        total += static_cast<double>(result.arrivals[(t * destinations + d) * sexes + s]);
      }
    }
    destination_totals_[d].push_back(total);
  }
}

void RunSummary::finish() {
  next_.finish();
}

void RunSummary::print(std::ostream& out) const {
  const std::size_t n = event_totals_.empty() ? 0 : event_totals_.front().size();
  char line[160];
  std::snprintf(line, sizeof line, "%s, %s to %s, %zu replicate%s (totals over the run)\n",
                run_.scenario_name.c_str(), run_.start_date.c_str(), run_.end_date.c_str(), n,
                n == 1 ? "" : "s");
  out << line;
  std::snprintf(line, sizeof line, "  %-28s %12s %12s %12s\n", "event", "mean", "5%", "95%");
  out << line;
  auto row = [&](const std::string& name, const std::vector<double>& values) {
    std::snprintf(line, sizeof line, "  %-28s %12.1f %12.1f %12.1f\n", name.c_str(), mean(values),
                  quantile(values, 0.05), quantile(values, 0.95));
    out << line;
  };
  for (std::size_t e = 0; e < event_totals_.size(); ++e) row(run_.events[e], event_totals_[e]);
  for (std::size_t d = 0; d < destination_totals_.size(); ++d) {
    row("arrived in " + run_.destinations[d], destination_totals_[d]);
  }
}

}  // namespace tumen::cli
