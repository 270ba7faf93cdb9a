// The output row: the share of wall time spent writing HDF5 when korea replicates run on every
// available thread into a file, as `tumen run` does (default compression, every dataset, the
// summary computed by finish()). Each worker encodes its replicate's chunks (prepare()) beside
// the others; the writing that remains happens on whichever thread finished a replicate, under
// the Ensemble's lock, while the other threads go on simulating.
#include <atomic>
#include <chrono>
#include <cstdio>

#include "common.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/output/h5_writer.hpp"

namespace tumen::bench {

namespace {

// Passes every replicate to the writer and adds up the time spent in it.
class TimedSink final : public ResultSink {
 public:
  explicit TimedSink(output::H5Writer& writer) : writer_(writer) {}
  // Encoding runs on the workers, beside each other: its CPU time is reported on its own.
  void prepare(ReplicateResult& result) const override {
    const auto start = Clock::now();
    writer_.prepare(result);
    encode_nanoseconds_ += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  }
  void write(const ReplicateResult& result) override {
    const auto start = Clock::now();
    writer_.write(result);
    seconds_ += seconds_since(start);
  }
  void finish() override {
    const auto start = Clock::now();
    writer_.finish();
    seconds_ += seconds_since(start);
  }
  void add(double seconds) { seconds_ += seconds; }
  [[nodiscard]] double seconds() const { return seconds_; }
  [[nodiscard]] double encode_seconds() const {
    return 1e-9 * static_cast<double>(encode_nanoseconds_);
  }

 private:
  output::H5Writer& writer_;
  double seconds_ = 0.0;
  mutable std::atomic<std::uint64_t> encode_nanoseconds_{0};
};

}  // namespace

Row output_row(const Config& config) {
  const int runs = runs_of(config, 2, 3);
  const std::uint64_t replicates = config.quick ? 16 : 1000;
  const auto model = load_model(config.scenarios / "korea" / "baseline.toml", Period::month);
  const std::uint64_t seed = model->scenario().run.seed;
  std::vector<double> share, write_seconds, encode_seconds, wall_seconds, file_bytes;
  const auto row_start = Clock::now();
  int run = 0;
  for (; another_run(run, runs, row_start, kLongRowBudgetSeconds); ++run) {
    const TempDir folder;
    const auto path = folder.path() / "bench.h5";
    const auto start = Clock::now();
    RunDescription description = describe(*model, seed, replicates, 0, replicates);
    description.command_line = "tumen bench";
    description.created_utc = "1970-01-01T00:00:00Z";
    output::H5Writer writer(path, description);
    TimedSink sink(writer);
    sink.add(seconds_since(start));  // creating the file counts as writing
    EnsembleOptions options;
    options.seed = seed;
    options.replicate_end = replicates;
    options.threads = config.threads;
    (void)run_ensemble(*model, options, sink);
    sink.finish();
    const double wall = seconds_since(start);
    share.push_back(sink.seconds() / wall);
    write_seconds.push_back(sink.seconds());
    encode_seconds.push_back(sink.encode_seconds());
    wall_seconds.push_back(wall);
    std::error_code ec;
    file_bytes.push_back(static_cast<double>(std::filesystem::file_size(path, ec)));
  }
  Row row;
  row.name = "output";
  row.measures.push_back(
      {"write_share", "share of wall time writing HDF5", "1", stats_of(share), "<= 0.05"});
  row.measures.push_back({"write_seconds", "seconds writing", "s", stats_of(write_seconds), ""});
  row.measures.push_back({"encode_cpu_seconds", "CPU seconds encoding chunks on the workers", "s",
                          stats_of(encode_seconds), ""});
  row.measures.push_back({"wall_seconds", "wall seconds", "s", stats_of(wall_seconds), ""});
  row.measures.push_back({"file_bytes", "file size", "B", stats_of(file_bytes), ""});
  row.facts = {
      {"runs", run}, {"replicates", static_cast<double>(replicates)}, {"threads", config.threads}};
  char note[120];
  std::snprintf(note, sizeof note, "%llu korea replicates, %d threads, gzip 4, all datasets",
                static_cast<unsigned long long>(replicates), config.threads);
  row.note = note;
  return row;
}

}  // namespace tumen::bench
