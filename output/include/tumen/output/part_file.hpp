#pragma once
// One part of a run split into `--replicate-range` slices, opened for `tumen merge`.
//
// Parts come from other jobs and other machines, so they are untrusted input. Every read of a
// part goes through a PartReader that one function, open_part(), creates: a wrapper with the same
// signature (a PartOpener) can run it in a child process with resource limits and a timeout
// without any change to the merge.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "tumen/output/h5_writer.hpp"
#include "tumen/replicate_result.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

// What a part says about itself, read when it is opened.
struct PartHeader {
  std::int64_t format_version = 0;
  // The run, with replicate_begin and replicate_end the part's range and the provenance fields
  // (command_line, host, created_utc, ...) those of the run that wrote the part.
  RunDescription run;
  WriterOptions options;  // outputs, summary_only and the gzip level of the part
  bool finished = false;  // it has /summary: the run that wrote it completed
  // Replicates of the range whose replicate_done is not 1: how many, and the first few numbers.
  std::uint64_t not_done_count = 0;
  std::vector<std::uint64_t> first_not_done;
};

class PartReader {
 public:
  virtual ~PartReader() = default;
  [[nodiscard]] virtual const PartHeader& header() const = 0;
  // Reads replicate `replicate` (its number in the run, within the part's range): every counter
  // dataset of the part's outputs into `result` (the others are left empty), and its wall time.
  // Throws OutputError naming the part, e.g. for a chunk whose checksum fails.
  virtual void read_replicate(std::uint64_t replicate, ReplicateResult& result) = 0;
};

using PartOpener =
    std::function<std::unique_ptr<PartReader>(const std::filesystem::path& part_path)>;

// Opens a part in this process and reads its header: the root attributes, coordinates and
// /scenario, and every replicate_done flag (a block at a time, so that memory does not grow with
// the part's size). Checks that /replicate holds the numbers of replicate_range and that every
// per-replicate dataset has one row per replicate. Throws OutputError whose message starts with
// the path ("PATH: no such file", "PATH: not a tumen output file (...)", ...).
[[nodiscard]] std::unique_ptr<PartReader> open_part(const std::filesystem::path& part_path);

}  // namespace tumen::output
