#pragma once
// The `--set` parser (tumen/set_override.hpp) on arbitrary text, one override per line; when
// every line parses, the loader applies them to a small fixed scenario, as `tumen run --set` does.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "input_files.hpp"
#include "invariants.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/set_override.hpp"

namespace tumen::fuzz {

inline InputOutcome parse_set_input(std::string_view input, const std::filesystem::path& folder,
                                    Diagnostics& diagnostics) {
  constexpr const char* kCommandLine = "<command line>";
  std::vector<std::string> overrides;
  for (std::size_t start = 0; start <= input.size();) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    overrides.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  bool all_parsed = true;
  for (const std::string& text : overrides) {
    const std::size_t errors_before = diagnostics.error_count();
    const auto parsed = parse_set_override(text, diagnostics);
    expect(parsed.has_value() == (diagnostics.error_count() == errors_before),
           "--set '" + text + "' parsed with an error, or refused without one");
    all_parsed = all_parsed && parsed.has_value();
    if (!parsed) continue;
    if (parsed->target == SetTarget::parameter) {
      expect(parsed->param != Param::count_, "--set '" + text + "' gave no parameter");
      expect(check_domain(parsed->param, parsed->value).empty(),
             "--set '" + text + "' gave a value outside the parameter's domain");
    } else if (parsed->target == SetTarget::replicates) {
      expect(parsed->whole >= 1, "--set '" + text + "' gave zero replicates");
    }
  }
  check_diagnostics(diagnostics, kCommandLine);
  if (!all_parsed) return InputOutcome::rejected;

  write_input_files(folder, {{"scenario.toml",
                              "[scenario]\nname = \"fuzz\"\nstart_date = 2010-01-01\n"
                              "end_date = 2010-03-31\nplaces = \"places.csv\"\n"
                              "routes = \"routes.csv\"\n"},
                             {"places.csv",
                              "name,kind,country,departure_weight,goal_weight\n"
                              "Home,origin,KP,1,\nHub,transit,CN,,\nSafe,destination,KR,,1\n"},
                             {"routes.csv",
                              "from,to,travel_days,detection_per_day\n"
                              "Home,Hub,3,0.01\nHub,Safe,10,0.02\n"}});
  Diagnostics loading;
  const auto scenario = load_scenario(folder / "scenario.toml", LoadOptions{overrides}, loading);
  check_diagnostics(loading, folder.string());
  // The overrides themselves are fine; the scenario they make may still be refused (route.open=0
  // leaves no way to a destination), with an error.
  expect(scenario.has_value() != loading.has_errors(), "a scenario refused without an error");
  return scenario ? InputOutcome::accepted : InputOutcome::rejected;
}

}  // namespace tumen::fuzz
