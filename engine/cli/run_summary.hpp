#pragma once
// A sink that passes every replicate on to another sink and keeps the run totals of each event
// and each destination's arrivals, for the summary table printed at the end of `tumen run`.
#include <iosfwd>
#include <vector>

#include "tumen/result_sink.hpp"
#include "tumen/run_description.hpp"

namespace tumen::cli {

class RunSummary final : public ResultSink {
 public:
  RunSummary(const RunDescription& run, ResultSink& next);
  void write(const ReplicateResult& result) override;
  void finish() override;
  void print(std::ostream& out) const;

 private:
  const RunDescription& run_;
  ResultSink& next_;
  std::vector<std::vector<double>> event_totals_;        // [event][replicate]
  std::vector<std::vector<double>> destination_totals_;  // [destination][replicate]
};

}  // namespace tumen::cli
