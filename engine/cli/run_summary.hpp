#pragma once
// The sink `tumen run` hands to the Ensemble: it passes every replicate on to the HDF5 writer and
// times how long writing takes. After finish() it prints the headline table (totals over the run
// of each event and each destination's arrivals, mean and 90% interval) from the finished file's
// /summary, so that memory does not grow with the number of replicates.
#include <iosfwd>
#include <span>

#include "tumen/output/h5_writer.hpp"
#include "tumen/result_sink.hpp"

namespace tumen::cli {

class RunSummary final : public ResultSink {
 public:
  explicit RunSummary(output::H5Writer& writer) : writer_(writer) {}
  void prepare(ReplicateResult& result) const override { writer_.prepare(result); }
  void write(const ReplicateResult& result) override;
  void finish() override;
  // A replicate another MPI rank ran and encoded (H5Writer::write_packed), timed like write().
  std::uint64_t write_packed(std::span<const unsigned char> packet);
  [[nodiscard]] const output::H5Writer& writer() const { return writer_; }

  // Time spent writing elsewhere (creating or reopening the file), counted with the rest.
  void add_writing_seconds(double seconds) { writing_seconds_ += seconds; }
  [[nodiscard]] double writing_seconds() const { return writing_seconds_; }

  // The table, from the finished file.
  void print(std::ostream& out) const;

 private:
  output::H5Writer& writer_;
  double writing_seconds_ = 0.0;
};

}  // namespace tumen::cli
