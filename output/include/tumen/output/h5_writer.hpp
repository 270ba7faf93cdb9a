#pragma once
// The HDF5 result sink: writes a run into one file of format_version 1 (docs/output-format.md).
//
// The file is created as FINAL.partial and only renamed to FINAL by finish(), so a file without
// the suffix is always complete. Each replicate is written as soon as it arrives, in the order
// data, flush, replicate_done, flush (DESIGN.md, Storage rules): a run that is killed leaves a
// .partial whose replicate_done flags say exactly which replicates can be trusted.
//
// One thread at a time may call a writer (the Ensemble serializes its calls). Every failure is
// an OutputError whose message starts with the file's path.
#include <filesystem>
#include <memory>

#include "tumen/replicate_result.hpp"
#include "tumen/result_sink.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

struct WriterOptions {
  // gzip level of the per-replicate datasets, 0 to 9; 0 stores them without deflate (shuffle and
  // Fletcher-32 stay on).
  int compression_level = 4;
};

class H5Writer final : public ResultSink {
 public:
  // Creates `final_path` + ".partial", replacing any file of that name (the command line decides
  // about --force before this), and writes everything known before the first replicate: root
  // attributes, coordinates, /scenario and /provenance. Rejects a RunDescription whose
  // coordinates disagree with each other.
  H5Writer(std::filesystem::path final_path, const RunDescription& run, WriterOptions options = {});

  // Without finish() the handles are closed and the .partial file stays for --resume or a
  // post-mortem. Never throws.
  ~H5Writer() override;

  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  H5Writer(H5Writer&&) noexcept;
  H5Writer& operator=(H5Writer&&) noexcept;

  // Writes one replicate of this file's range. Throws, before writing anything, when the
  // replicate is outside the range, was written before, or a counter array has the wrong size.
  void write(const ReplicateResult& result) override;

  // Records the end time, closes the file and renames it to its final path. Throws when a
  // replicate of the range was never written; the .partial file then stays.
  void finish() override;

  [[nodiscard]] const std::filesystem::path& final_path() const;
  [[nodiscard]] const std::filesystem::path& partial_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tumen::output
