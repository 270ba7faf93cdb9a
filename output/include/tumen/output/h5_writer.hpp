#pragma once
// The HDF5 result sink: writes a run into one file of format_version 1 (docs/output-format.md).
//
// The file is created as FINAL.partial and only renamed to FINAL by finish(), so a file without
// the suffix is always complete. Each replicate is written as soon as it arrives, in the order
// data, flush, replicate_done, flush (DESIGN.md, Storage rules): a run that is killed leaves a
// .partial whose replicate_done flags say exactly which replicates can be trusted, and resume()
// continues it.
//
// One thread at a time may call a writer (the Ensemble serializes its calls). Every failure is
// an OutputError whose message starts with the file's path.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tumen/output/output_selection.hpp"
#include "tumen/replicate_result.hpp"
#include "tumen/result_sink.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

struct WriterOptions {
  // gzip level of the per-replicate datasets, 0 to 9; 0 stores them without deflate (shuffle and
  // Fletcher-32 stay on).
  int compression_level = 4;
  // The per-replicate counter datasets to write (`--outputs`); the others are absent from the
  // file. Names as in counter_dataset_names, in any order.
  std::vector<std::string> outputs = all_outputs();
  // Keep only /summary (of the summarised datasets among `outputs`) and replicate_done: the
  // per-replicate counters live in the .partial working file until finish() and are not copied
  // into the final file.
  bool summary_only = false;
  // About how many bytes of values finish() holds at once to compute /summary; more replicates
  // than fit are handled by reading the data more than once (detail/cell_statistics.hpp).
  std::size_t summary_memory_bytes = std::size_t{64} << 20;
  // Further string attributes of /provenance (name, value) for a new file, after the standard
  // ones: `tumen merge` records its parts in `merged_from`.
  std::vector<std::pair<std::string, std::string>> provenance_notes = {};
  // Write the run into this group ("/point/0003") of the existing file at the final path, laid
  // out below it exactly as a file of its own, instead of into a file of its own: `tumen sweep`
  // keeps one group per point in one file. The writer then neither makes a .partial nor renames:
  // finish() leaves the group complete and the file where it is, and resume() reopens the group.
  // Empty: a file of its own.
  std::string group = {};
  // Called by finish() with the path of the closed, complete .partial file, after /summary and
  // before the rename to the final path, to add what a command derives from the whole run
  // (`tumen predict` adds /parameters and /predictive). A throw leaves the .partial, which
  // --resume finishes again. Not available with summary_only.
  std::function<void(const std::filesystem::path&)> before_rename = {};
};

// What resume() found in the .partial file.
struct ResumeReport {
  std::uint64_t done = 0;            // replicates marked done whose data read back intact
  std::vector<std::uint64_t> rerun;  // marked done but failed their checksums: to be run again
};

class H5Writer final : public ResultSink {
 public:
  // Creates `final_path` + ".partial", replacing any file of that name (the command line decides
  // about --force before this), and writes everything known before the first replicate: root
  // attributes, coordinates, /scenario and /provenance. The file is built under the name
  // FINAL.new and renamed once complete, so that a .partial always has its whole structure.
  // Rejects a RunDescription whose coordinates disagree with each other, and refuses to replace a
  // .partial that another process is writing.
  H5Writer(std::filesystem::path final_path, const RunDescription& run, WriterOptions options = {});

  // Reopens `final_path` + ".partial" left by an interrupted run of the same inputs. Throws
  // ResumeError when it cannot be continued: no such file, not a tumen file or too damaged to
  // open, locked by a running process, or written by a different run (the message names every
  // attribute that differs: seed, scenario_hash, replicate_total, replicate_range, rng,
  // tumen_version, period, outputs, summary_only). Every replicate marked done is read back; one
  // whose chunks fail their Fletcher-32 checksum is marked not done, to be run again. The
  // compression level of the existing file is kept.
  static H5Writer resume(std::filesystem::path final_path, const RunDescription& run,
                         WriterOptions options = {});

  // Without finish() the handles are closed and the .partial file stays for --resume or a
  // post-mortem. Never throws.
  ~H5Writer() override;

  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  H5Writer(H5Writer&&) noexcept;
  H5Writer& operator=(H5Writer&&) noexcept;

  // Encodes the replicate's chunks (shuffle, gzip, Fletcher-32) into result.prepared, on the
  // calling thread and without any HDF5 call, so that workers can do it side by side; write()
  // then stores them whole (H5Dwrite_chunk). Does nothing for a replicate outside the range or
  // with counters of the wrong size, which write() refuses.
  void prepare(ReplicateResult& result) const override;

  // Writes one replicate of this file's range. Throws, before writing anything, when the
  // replicate is outside the range, was written before, or a counter array has the wrong size.
  void write(const ReplicateResult& result) override;

  // For ranks of an MPI run that have no file (docs/hpc.md, "MPI"): how this file stores each
  // per-replicate dataset, as bytes for a ReplicatePacker; and the write of a packet such a
  // packer made, with the checks of write(). A malformed packet is an OutputError.
  [[nodiscard]] std::vector<unsigned char> encoding_plan() const;
  std::uint64_t write_packed(std::span<const unsigned char> packet);  // returns the replicate

  // Computes /summary, records the end time, closes the file and renames it to its final path.
  // A summary-only run builds the final file anew (without the per-replicate counters) and
  // removes the .partial. Throws when a replicate of the range was never written; the .partial
  // file then stays.
  void finish() override;

  [[nodiscard]] const std::filesystem::path& final_path() const;
  [[nodiscard]] const std::filesystem::path& partial_path() const;

  // Whether `replicate` is in the file (written by this writer, or found intact by resume()).
  [[nodiscard]] bool has_replicate(std::uint64_t replicate) const;
  [[nodiscard]] std::uint64_t replicates_written() const;
  [[nodiscard]] const ResumeReport& resume_report() const;

 private:
  H5Writer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tumen::output
