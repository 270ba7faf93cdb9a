// tumen merge: check that the part files of a sliced run fit together, then stream them into the
// file of the whole run (docs/hpc.md, "Merging").
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output_path.hpp"
#include "progress.hpp"
#include "provenance_fields.hpp"
#include "tumen/build_info.hpp"
#include "tumen/output/isolated.hpp"
#include "tumen/output/merge.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/sweep_file.hpp"
#include "tumen/utc_time.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

// Writing over a part would destroy an input before it is read: refused even with --force.
bool check_output_is_no_part(const fs::path& output, const std::vector<fs::path>& parts) {
  std::error_code ec;
  for (const fs::path& part : parts) {
    const bool same = fs::exists(output, ec) && fs::exists(part, ec)
                          ? fs::equivalent(output, part, ec)
                          : fs::weakly_canonical(output, ec) == fs::weakly_canonical(part, ec);
    if (same || fs::weakly_canonical(partial_of(output), ec) == fs::weakly_canonical(part, ec)) {
      std::cerr << output.string() << ": error: the output would overwrite the part "
                << part.string() << "; choose another -o\n";
      return false;
    }
  }
  return true;
}

// A message "PART: what" as "PART: error: what".
void print_file_message(const std::string& message, const std::vector<fs::path>& parts) {
  for (const fs::path& part : parts) {
    const std::string prefix = part.string() + ": ";
    if (message.rfind(prefix, 0) == 0) {
      std::cerr << prefix << "error: " << message.substr(prefix.size()) << '\n';
      return;
    }
  }
  std::cerr << "tumen: error: " << message << '\n';
}

void print_refusal(const output::MergeRefused& refused) {
  for (const output::MergeProblem& problem : refused.problems()) {
    std::cerr << problem.file.string() << ": error: " << problem.message << '\n';
  }
  const std::size_t count = refused.problems().size();
  std::cerr << "tumen: " << count << " problem" << (count == 1 ? "" : "s")
            << "; nothing was merged\n";
}

// Reads every part once in a forked child with a memory limit and a timeout, as `tumen inspect`
// does, before the merge reads it in this process: parts come from other jobs and machines, and a
// damaged one can crash the HDF5 library or make it allocate without bound. A part the child
// cannot read through is refused here with what happened; one whose reading fails cleanly (a
// checksum, a missing dataset) is left to plan_merge and write_merge, which say why. The price
// is reading each part twice (docs/reliability.md).
bool screen_parts(const std::vector<fs::path>& parts) {
  output::IsolationLimits limits;
  limits.timeout = std::chrono::minutes(30);  // a part of thousands of replicates
  std::size_t unreadable = 0;
  for (const fs::path& part : parts) {
    const output::IsolatedResult result = output::run_isolated(
        [&](std::ostream&, std::ostream& err) {
          try {
            const auto reader = output::open_part(part);
            const RunDescription& run = reader->header().run;
            ReplicateResult scratch;
            for (std::uint64_t r = run.replicate_begin; r < run.replicate_end; ++r) {
              reader->read_replicate(r, scratch);
            }
          } catch (const output::OutputError& e) {
            err << e.what();
            return kInvalidInput;
          }
          return kSuccess;
        },
        limits);
    switch (result.end) {
      case output::IsolatedEnd::returned:
      case output::IsolatedEnd::threw:
        break;  // the merge itself reports a clean failure
      case output::IsolatedEnd::out_of_memory:
      case output::IsolatedEnd::crashed:
      case output::IsolatedEnd::timed_out:
        std::cerr << part.string() << ": error: the HDF5 library failed on this part ("
                  << result.describe(limits) << "); it is damaged or not a tumen output file\n";
        ++unreadable;
        break;
    }
  }
  if (unreadable > 0) {
    std::cerr << "tumen: " << unreadable << " problem" << (unreadable == 1 ? "" : "s")
              << "; nothing was merged\n";
  }
  return unreadable == 0;
}

// Sweep slices (`tumen sweep --point-range`): joined point by point (output/sweep_file.hpp).
int join_sweeps(const MergeArgs& args, const std::vector<fs::path>& parts) {
  output::SweepDescription joiner;
  joiner.command_line = args.command_line;
  joiner.host = host_name();
  joiner.created_utc = utc_now();
  joiner.git_commit = tumen_git_commit();
  joiner.compiler = "g++ " __VERSION__;
  try {
    output::join_sweep_parts(parts, args.output, joiner);
  } catch (const output::SweepJoinRefused& refused) {
    print_file_message(refused.what(), parts);
    std::cerr << "tumen: nothing was merged\n";
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }
  if (!args.quiet) {
    std::cout << "merged " << parts.size() << " sweep part" << (parts.size() == 1 ? "" : "s")
              << " into " << args.output << '\n';
  }
  return kSuccess;
}

}  // namespace

int merge_command(const MergeArgs& args) {
  const fs::path output(args.output);
  const std::vector<fs::path> parts(args.parts.begin(), args.parts.end());
  if (!check_output_folder(output)) return kInvalidInput;
  if (!check_output_is_no_part(output, parts)) return kInvalidInput;
  if (!check_no_earlier_output(output, args.force, false)) return kInvalidInput;

  if (!screen_parts(parts)) return kInvalidInput;
  if (!parts.empty() && output::is_sweep_file(parts.front())) return join_sweeps(args, parts);

  output::MergePlan plan;
  try {
    plan = output::plan_merge(parts);
  } catch (const output::MergeRefused& refused) {
    print_refusal(refused);
    return kInvalidInput;
  }
  plan.run.command_line = args.command_line;
  plan.run.host = host_name();
  plan.run.created_utc = utc_now();
  plan.run.git_commit = tumen_git_commit();
  plan.run.compiler = "g++ " __VERSION__;

  const std::uint64_t replicates = plan.run.replicate_total;
  try {
    ProgressBar progress(replicates, !args.quiet);
    output::write_merge(plan, output, output::open_part,
                        [&](std::uint64_t written) { progress.update(written); });
    progress.finish();
  } catch (const output::MergeRefused& refused) {
    print_refusal(refused);
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }
  if (!args.quiet) {
    std::cout << "merged " << plan.parts.size() << " part" << (plan.parts.size() == 1 ? "" : "s")
              << " (replicates 0:" << replicates << " of " << plan.run.scenario_name << ", seed "
              << plan.run.seed << ") into " << output.string() << '\n';
  }
  return kSuccess;
}

}  // namespace tumen::cli
