#pragma once
// `tumen merge`: joins the part files of a run split into `--replicate-range` slices into the file
// that one run of every replicate writes, identical to it under
// `h5diff --exclude-path /provenance` (docs/hpc.md, "Merging").
//
// Two steps. plan_merge() opens each part in turn, checks that all belong to one run and that
// together they hold every replicate exactly once, and refuses with every problem it finds.
// write_merge() then streams the parts, one replicate at a time, through H5Writer, which lays the
// file out as a run does and recomputes /summary over all replicates. At most one part is open
// at a time, and memory does not grow with the number of replicates or parts.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/part_file.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

struct MergeProblem {
  std::filesystem::path file;  // the part it is about, as given
  std::string message;         // without the path: "replicates 4:6 are in no part (...)"
};

// The parts cannot be merged: input the user can fix. what() holds every problem, one a line, as
// "PATH: error: MESSAGE".
class MergeRefused : public OutputError {
 public:
  explicit MergeRefused(std::vector<MergeProblem> problems);
  [[nodiscard]] const std::vector<MergeProblem>& problems() const { return problems_; }

 private:
  std::vector<MergeProblem> problems_;
};

struct MergePart {
  std::filesystem::path path;
  ReplicateRange range;
};

struct MergePlan {
  // The whole run: replicates 0 to replicate_total, with the coordinates and /scenario of the
  // part that holds replicate 0. The provenance fields are empty: the caller says who merges.
  RunDescription run;
  // The parts' outputs and the gzip level of the part that holds replicate 0; /provenance
  // `merged_from` lists the parts.
  WriterOptions options;
  std::vector<MergePart> parts;  // in replicate order
};

// Checks the parts, in the order given; throws MergeRefused naming every problem:
// - a file that cannot be opened as a tumen file, or is given twice;
// - a `.partial` or `.new` working file, a part without /summary (its run never finished) or
//   with a replicate not marked done;
// - a part written with --summary-only (no per-replicate data to merge);
// - a part of another run than the first one given: format_version, tumen_version, rng,
//   scenario_name, scenario_hash, seed, replicate_total, start_date, end_date, period, outputs or
//   a coordinate differs;
// - replicates in no part, or in more than one.
[[nodiscard]] MergePlan plan_merge(const std::vector<std::filesystem::path>& part_paths,
                                   const PartOpener& open = open_part);

// Writes `output` from the parts of `plan` (with run.command_line and the other provenance fields
// the caller filled in): OUT.h5.new, then OUT.h5.partial, then OUT.h5 once complete, replacing
// an existing OUT.h5 only then. `on_replicate` is called with the count of replicates written.
// A part that can no longer be read (a chunk failing its checksum, a file changed since
// plan_merge) throws MergeRefused; a failure to write throws OutputError. Either way the
// .partial is removed: a merge has nothing to resume.
void write_merge(const MergePlan& plan, const std::filesystem::path& output,
                 const PartOpener& open = open_part,
                 const std::function<void(std::uint64_t written)>& on_replicate = {});

}  // namespace tumen::output
