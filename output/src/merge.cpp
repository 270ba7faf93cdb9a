#include "tumen/output/merge.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "tumen/output/format.hpp"
#include "tumen/output/output_selection.hpp"

namespace tumen::output {

namespace fs = std::filesystem;

namespace {

std::string join_problems(const std::vector<MergeProblem>& problems) {
  std::string text;
  for (const MergeProblem& problem : problems) {
    if (!text.empty()) text += '\n';
    text += problem.file.string() + ": error: " + problem.message;
  }
  return text;
}

// An OutputError says "PATH: MESSAGE"; a MergeProblem keeps the path apart.
std::string without_path(const std::string& message, const fs::path& path) {
  const std::string prefix = path.string() + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return to_string(ReplicateRange{begin, end});
}

std::string list_numbers(const std::vector<std::uint64_t>& numbers, std::uint64_t total) {
  std::string text;
  for (const std::uint64_t number : numbers) {
    text += (text.empty() ? "" : ", ") + std::to_string(number);
  }
  if (total > numbers.size()) text += ", ...";
  return text;
}

// Every way in which `part` is not a slice of the same run as `reference`, e.g.
// "seed: a.h5 has 7, this part 8".
std::vector<std::string> run_differences(const PartHeader& reference,
                                         const fs::path& reference_path, const PartHeader& part) {
  std::vector<std::string> differences;
  const std::string first = reference_path.string();
  const auto compare = [&](const char* name, const std::string& expected,
                           const std::string& found) {
    if (expected != found) {
      differences.push_back(std::string(name) + ": " + first + " has " + expected + ", this part " +
                            found);
    }
  };
  const auto compare_coordinate = [&](const char* name, const auto& expected, const auto& found) {
    if (expected != found) {
      differences.push_back(std::string("coordinate ") + name + " differs from " + first + "'s");
    }
  };
  const RunDescription& a = reference.run;
  const RunDescription& b = part.run;
  compare("format_version", std::to_string(reference.format_version),
          std::to_string(part.format_version));
  compare("tumen_version", a.tumen_version, b.tumen_version);
  compare("rng", a.rng_scheme, b.rng_scheme);
  compare("scenario_name", a.scenario_name, b.scenario_name);
  compare("scenario_hash", a.scenario_hash, b.scenario_hash);
  compare("seed", std::to_string(a.seed), std::to_string(b.seed));
  compare("replicate_total", std::to_string(a.replicate_total), std::to_string(b.replicate_total));
  compare("start_date", a.start_date, b.start_date);
  compare("end_date", a.end_date, b.end_date);
  compare("period", to_string(a.period), to_string(b.period));
  compare("outputs", join_outputs(reference.options.outputs), join_outputs(part.options.outputs));
  // Equal hashes and versions imply equal coordinates; a file edited by hand may not agree.
  compare_coordinate("time", a.period_start_days, b.period_start_days);
  compare_coordinate("location", a.locations, b.locations);
  compare_coordinate("location_kind", a.location_kinds, b.location_kinds);
  compare_coordinate("location_country", a.location_countries, b.location_countries);
  compare_coordinate("destination", a.destinations, b.destinations);
  compare_coordinate("event", a.events, b.events);
  compare_coordinate("state", a.states, b.states);
  compare_coordinate("sex", a.sexes, b.sexes);
  compare_coordinate("route", a.routes, b.routes);
  compare_coordinate("years_abroad", a.years_abroad_max, b.years_abroad_max);
  return differences;
}

// The problems of a part on its own: whether it is a complete, ordinary part.
void check_complete(const fs::path& path, const PartHeader& part,
                    std::vector<MergeProblem>& problems) {
  if (part.options.summary_only) {
    problems.push_back(
        {path,
         "it was written with --summary-only and holds no per-replicate data, so it cannot be "
         "merged into the file of a whole run; run this slice again without --summary-only"});
  }
  if (part.not_done_count > 0) {
    problems.push_back({path, std::to_string(part.not_done_count) + " of its replicates " +
                                  (part.not_done_count == 1 ? "is" : "are") + " not marked done (" +
                                  list_numbers(part.first_not_done, part.not_done_count) +
                                  "): finish the slice with tumen run ... --resume"});
  } else if (!part.finished) {
    problems.push_back({path,
                        "it has no /summary: the run that wrote it never finished; finish the "
                        "slice with tumen run ... --resume"});
  }
}

struct Slice {
  fs::path path;
  ReplicateRange range;
  std::size_t given = 0;  // position on the command line, to keep the order stable
};

// Replicates in no part and in more than one, from the parts' ranges.
void check_coverage(std::vector<Slice> slices, std::uint64_t total,
                    std::vector<MergeProblem>& problems) {
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
    if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
    if (a.range.end != b.range.end) return a.range.end < b.range.end;
    return a.given < b.given;
  });
  std::uint64_t covered = 0;          // replicates [0, covered) are in some part seen so far
  const Slice* last_cover = nullptr;  // the part that reaches furthest, ending at `covered`
  for (const Slice& slice : slices) {
    if (slice.range.begin > covered) {
      const std::string before = last_cover == nullptr ? "no part holds replicate 0"
                                                       : last_cover->path.string() + " holds " +
                                                             to_string(last_cover->range);
      problems.push_back({slice.path, "replicates " + range_text(covered, slice.range.begin) +
                                          " are in no part: " + before + ", this part " +
                                          to_string(slice.range) +
                                          "; run the missing slice and merge it too"});
    } else if (slice.range.begin < covered) {
      problems.push_back(
          {slice.path, "replicates " +
                           range_text(slice.range.begin, std::min(covered, slice.range.end)) +
                           " are also in " + last_cover->path.string() + " (which holds " +
                           to_string(last_cover->range) + ", this part " + to_string(slice.range) +
                           "); give each replicate once"});
    }
    if (slice.range.end > covered) {
      covered = slice.range.end;
      last_cover = &slice;
    }
  }
  if (!slices.empty() && covered < total) {
    problems.push_back({last_cover->path,
                        "replicates " + range_text(covered, total) + " of the run's " +
                            std::to_string(total) + " are in no part: the last part ends at " +
                            std::to_string(covered) + "; run the missing slice and merge it too"});
  }
}

std::string provenance_line(const fs::path& path, const PartHeader& part) {
  const RunDescription& run = part.run;
  return path.string() + " (replicates " + range_text(run.replicate_begin, run.replicate_end) +
         "): created " + (run.created_utc.empty() ? "?" : run.created_utc) + " on " +
         (run.host.empty() ? "?" : run.host) + ": " + run.command_line;
}

}  // namespace

MergeRefused::MergeRefused(std::vector<MergeProblem> problems)
    : OutputError(join_problems(problems)), problems_(std::move(problems)) {}

MergePlan plan_merge(const std::vector<fs::path>& part_paths, const PartOpener& open) {
  std::vector<MergeProblem> problems;
  if (part_paths.empty())
    throw MergeRefused(std::vector<MergeProblem>{{"tumen merge", "no parts to merge"}});

  std::optional<PartHeader> reference;  // the first part that opened
  fs::path reference_path;
  std::optional<PartHeader> first_part;  // the one with the lowest range so far
  fs::path first_part_path;
  std::vector<Slice> slices;
  std::vector<std::pair<std::uint64_t, std::string>> provenance;  // by range start
  std::vector<fs::path> seen;

  for (std::size_t given = 0; given < part_paths.size(); ++given) {
    const fs::path& path = part_paths[given];
    const std::string name = path.string();
    if (ends_with(name, partial_suffix) || ends_with(name, new_suffix)) {
      problems.push_back({path,
                          "an unfinished run's working file, not a part: finish the slice with "
                          "tumen run ... --resume and merge the file it completes"});
      continue;
    }
    std::error_code failure;
    const fs::path canonical = fs::weakly_canonical(path, failure);
    if (!failure) {
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
        problems.push_back({path, "it is given more than once"});
        continue;
      }
      seen.push_back(canonical);
    }

    std::unique_ptr<PartReader> reader;
    try {
      reader = open(path);
    } catch (const OutputError& unreadable) {
      problems.push_back({path, without_path(unreadable.what(), path)});
      continue;
    }
    PartHeader part = reader->header();
    reader.reset();  // one part open at a time

    check_complete(path, part, problems);
    if (!reference) {
      reference = part;
      reference_path = path;
    } else {
      const std::vector<std::string> differences =
          run_differences(*reference, reference_path, part);
      if (!differences.empty()) {
        std::string list;
        for (const std::string& difference : differences) {
          list += (list.empty() ? "" : "; ") + difference;
        }
        problems.push_back({path, "it is not a part of the same run as " + reference_path.string() +
                                      " (" + list + ")"});
        // Its range means nothing for this run's coverage.
        if (part.run.replicate_total != reference->run.replicate_total) continue;
      }
    }
    const ReplicateRange range{part.run.replicate_begin, part.run.replicate_end};
    slices.push_back({path, range, given});
    provenance.emplace_back(range.begin, provenance_line(path, part));
    if (!first_part || range.begin < first_part->run.replicate_begin) {
      first_part = std::move(part);
      first_part_path = path;
    }
  }

  if (reference) check_coverage(slices, reference->run.replicate_total, problems);
  if (!problems.empty()) throw MergeRefused(std::move(problems));

  MergePlan plan;
  plan.run = std::move(first_part->run);
  plan.run.replicate_begin = 0;
  plan.run.replicate_end = plan.run.replicate_total;
  plan.run.command_line.clear();
  plan.run.host.clear();
  plan.run.git_commit.clear();
  plan.run.compiler.clear();
  plan.run.created_utc.clear();
  plan.options = first_part->options;
  std::sort(slices.begin(), slices.end(),
            [](const Slice& a, const Slice& b) { return a.range.begin < b.range.begin; });
  for (const Slice& slice : slices) plan.parts.push_back({slice.path, slice.range});
  std::stable_sort(provenance.begin(), provenance.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string merged_from;
  for (const auto& [begin, line] : provenance) {
    merged_from += (merged_from.empty() ? "" : "\n") + line;
  }
  plan.options.provenance_notes = {{"merged_from", merged_from}};
  return plan;
}

void write_merge(const MergePlan& plan, const fs::path& output, const PartOpener& open,
                 const std::function<void(std::uint64_t)>& on_replicate) {
  std::optional<H5Writer> writer;
  writer.emplace(output, plan.run, plan.options);
  const fs::path partial = writer->partial_path();
  try {
    ReplicateResult result;
    std::uint64_t written = 0;
    for (const MergePart& part : plan.parts) {
      std::unique_ptr<PartReader> reader;
      try {
        reader = open(part.path);
      } catch (const OutputError& unreadable) {
        throw MergeRefused(
            std::vector<MergeProblem>{{part.path, without_path(unreadable.what(), part.path)}});
      }
      const RunDescription& found = reader->header().run;
      if (found.replicate_begin != part.range.begin || found.replicate_end != part.range.end ||
          found.scenario_hash != plan.run.scenario_hash || found.seed != plan.run.seed) {
        throw MergeRefused(
            std::vector<MergeProblem>{{part.path, "it changed while the parts were being merged"}});
      }
      for (std::uint64_t replicate = part.range.begin; replicate < part.range.end; ++replicate) {
        try {
          reader->read_replicate(replicate, result);
        } catch (const MergeRefused&) {
          throw;
        } catch (const OutputError& unreadable) {
          throw MergeRefused(std::vector<MergeProblem>{
              {part.path, "cannot read replicate " + std::to_string(replicate) + ": " +
                              without_path(unreadable.what(), part.path)}});
        }
        writer->write(result);
        if (on_replicate) on_replicate(++written);
      }
    }
    writer->finish();
  } catch (...) {
    writer.reset();
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw;
  }
}

}  // namespace tumen::output
