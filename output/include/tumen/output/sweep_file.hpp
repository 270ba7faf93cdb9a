#pragma once
// The file of a parameter sweep (`tumen sweep`, docs/sweeps.md, docs/output-format.md "Sweep
// files"): root attributes of the sweep, a /points table of parameter values, /sweep with the
// SWEEP.toml text, /provenance, and one group per point, /point/NNNN, each laid out exactly as a
// format_version 1 file, written by H5Writer in group mode (WriterOptions::group).
//
// Like a run's file, it is made as FINAL.partial and renamed once every point of its range is
// done; /points/point_done says which points' groups are complete (set only after the point's
// H5Writer has finished, and flushed), so an interrupted sweep resumes at the first point not
// done. Every failure is an OutputError whose message starts with the file's path.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tumen/output/output_error.hpp"

namespace tumen::output {

// The root attribute `format` of a sweep file: not "tumen", so that a v1 reader given the whole
// file says it is not a run's file, rather than misreading it.
inline constexpr std::string_view sweep_format_name = "tumen-sweep";
inline constexpr int sweep_format_version = 1;

struct SweepDescription {
  // Root attributes: the same for every slice of one sweep, except point_range.
  std::string tumen_version;
  std::string rng_scheme;
  std::string sweep_hash;     // SHA-256 of the sweep file and the base scenario's hash
  std::string scenario_name;  // of the base scenario
  std::string scenario_hash;  // of the base scenario (each point has its own in its group)
  std::string design;         // "grid", "list" or "latin_hypercube"
  std::uint64_t seed = 0;
  std::uint64_t replicates = 0;   // per point
  std::uint64_t point_begin = 0;  // this file holds points [begin, end)
  std::uint64_t point_end = 0;

  // /sweep: the SWEEP file's text; and the path it was given by, in /provenance (sweep_file).
  std::string sweep_path;
  std::string sweep_text;

  // /points: every point of the sweep, also those of other slices.
  std::vector<std::string> parameters;      // dotted names
  std::vector<std::vector<double>> points;  // points[k][p]

  // /provenance.
  std::string command_line;
  std::string host;
  std::string git_commit;
  std::string compiler;
  std::string created_utc;
  std::vector<std::pair<std::string, std::string>> provenance_notes = {};

  [[nodiscard]] std::uint64_t point_total() const { return points.size(); }
};

// Creates `path` (through path + ".new", so that a file at `path` always has its whole
// structure) with every point not done and no point groups. Replaces an existing file.
void create_sweep_file(const std::filesystem::path& path, const SweepDescription& sweep);

// What the sweep file at `path` says about itself; throws OutputError for a file that is not a
// sweep file or lacks a part of its layout.
[[nodiscard]] SweepDescription read_sweep_description(const std::filesystem::path& path);

// The root attributes that differ between the file and `sweep` ("seed 7, not 8"); empty when the
// file belongs to the same sweep slice (tumen_version, rng, sweep_hash, seed, replicates,
// point_range).
[[nodiscard]] std::vector<std::string> sweep_differences(const SweepDescription& found,
                                                         const SweepDescription& expected);

// /points/point_done, one flag per point of the whole sweep.
[[nodiscard]] std::vector<std::uint8_t> read_points_done(const std::filesystem::path& path);

// Sets point k's flag, then flushes: only after the point's group is complete and flushed.
void mark_point_done(const std::filesystem::path& path, std::uint64_t point);

// Whether the file has `group`; delete_group unlinks it (a point group a kill left unusable).
[[nodiscard]] bool has_group(const std::filesystem::path& path, const std::string& group);
void delete_group(const std::filesystem::path& path, const std::string& group);

// Records the end time in /provenance and renames `partial` to `final_path`.
void finish_sweep_file(const std::filesystem::path& partial,
                       const std::filesystem::path& final_path);

// Parts that cannot be joined: input the user can fix (exit 1), unlike a failure to write.
class SweepJoinRefused : public OutputError {
 public:
  using OutputError::OutputError;
};

// `tumen merge` of sweep slices: checks that the parts are complete slices of one sweep that
// together hold every point exactly once (throws SweepJoinRefused naming the problem otherwise),
// then writes `output` (through OUTPUT.partial) with the whole sweep: each point's group is
// rewritten replicate by replicate through H5Writer, so that its datasets are identical to those a
// single sweep run writes. `joiner` gives the provenance of the joined file.
void join_sweep_parts(const std::vector<std::filesystem::path>& parts,
                      const std::filesystem::path& output, const SweepDescription& joiner);

// Whether `path` is an HDF5 file whose root `format` is sweep_format_name.
[[nodiscard]] bool is_sweep_file(const std::filesystem::path& path);

}  // namespace tumen::output
