#include "run_summary.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "tumen/output/h5_reader.hpp"

namespace tumen::cli {

namespace {

class Stopwatch {
 public:
  explicit Stopwatch(double& total) : total_(total), started_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  Stopwatch(const Stopwatch&) = delete;
  Stopwatch& operator=(const Stopwatch&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

void RunSummary::write(const ReplicateResult& result) {
  const Stopwatch timed(writing_seconds_);
  writer_.write(result);
}

std::uint64_t RunSummary::write_packed(std::span<const unsigned char> packet) {
  const Stopwatch timed(writing_seconds_);
  return writer_.write_packed(packet);
}

void RunSummary::finish() {
  const Stopwatch timed(writing_seconds_);
  writer_.finish();
}

void RunSummary::print(std::ostream& out) const {
  const output::H5Reader file(writer_.final_path());
  const auto replicates = file.uint64_attribute("/summary", "replicates");
  char line[200];
  std::snprintf(line, sizeof line, "%s, %s to %s, %llu replicate%s (totals over the run)\n",
                file.string_attribute("scenario_name").c_str(),
                file.string_attribute("start_date").c_str(),
                file.string_attribute("end_date").c_str(),
                static_cast<unsigned long long>(replicates), replicates == 1 ? "" : "s");
  out << line;
  std::snprintf(line, sizeof line, "  %-28s %12s %12s %12s\n", "event", "mean", "5%", "95%");
  out << line;
  const auto rows = [&](const std::string& name, const std::string& prefix,
                        const std::vector<std::string>& labels) {
    if (!file.exists("/summary/" + name + "_mean")) return;
    const std::vector<double> mean = file.float64_dataset("/summary/" + name + "_mean");
    const std::vector<double> quantile = file.float64_dataset("/summary/" + name + "_quantile");
    for (std::size_t index = 0; index < labels.size(); ++index) {
      const std::string label = prefix + labels[index];
      std::snprintf(line, sizeof line, "  %-28s %12.1f %12.1f %12.1f\n", label.c_str(), mean[index],
                    quantile[index], quantile[2 * labels.size() + index]);
      out << line;
    }
  };
  rows("event_totals", "", file.strings("/event"));
  rows("arrival_totals", "arrived in ", file.strings("/destination"));
  if (!file.exists("/summary/event_totals_mean") && !file.exists("/summary/arrival_totals_mean")) {
    out << "  (no totals: neither events nor arrivals are among the outputs)\n";
  }
}

}  // namespace tumen::cli
