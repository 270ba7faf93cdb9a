#pragma once
// The scenario loader on an input that describes a scenario's files (input_files.hpp): the main
// TOML file "scenario.toml", then "%%file NAME" sections for included TOML files and CSV tables.
// The files go through the file system, as a user's do, so that includes, cycles, depth and
// relative paths take the real code path; the loader is not changed for the fuzzer.
#include <filesystem>
#include <string_view>

#include "input_files.hpp"
#include "invariants.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"

namespace tumen::fuzz {

inline InputOutcome load_scenario_input(std::string_view input, const std::filesystem::path& folder,
                                        Diagnostics& diagnostics) {
  if (may_leave_folder(input)) return InputOutcome::skipped;
  const auto files = split_input_files(input, "scenario.toml");
  if (!files) return InputOutcome::skipped;
  write_input_files(folder, *files);

  const auto scenario = load_scenario(folder / "scenario.toml", LoadOptions{}, diagnostics);
  check_diagnostics(diagnostics, folder.string());
  if (!scenario) {
    expect(diagnostics.has_errors(), "a scenario refused without an error");
    return InputOutcome::rejected;
  }
  expect(!diagnostics.has_errors(), "a scenario accepted with errors");
  expect(scenario->hash.size() == 64, "a scenario hash that is not SHA-256 in hex");
  // What `tumen run` builds from a valid scenario before the first day: the network, its route
  // plans and the timeline. A validated scenario must never fail there.
  const Model model(*scenario, scenario->run.period);
  return InputOutcome::accepted;
}

}  // namespace tumen::fuzz
