// scenarios/korea/calibration.toml, the recorded calibration of docs/estimates.md: it loads and
// validates against the Korea baseline and its observed arrivals, and every fitted value still
// reaches the simulation (a timeline change from the first day on would silently override it).
#include <catch2/catch.hpp>

#include <sstream>

#include "support/scratch_dir.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/scenario_loader.hpp"

using namespace tumen;
using namespace tumen::calibration;
using tumen::testing::source_path;

TEST_CASE("The Korea calibration file loads and validates", "[calibration][korea]") {
  Diagnostics diagnostics;
  const auto korea = load_calibration(source_path("scenarios/korea/calibration.toml"), diagnostics);
  std::ostringstream messages;
  diagnostics.print(messages);
  INFO(messages.str());
  REQUIRE(korea);
  // Not even a warning: the scenario covers every observed year.
  CHECK(messages.str().empty());

  CHECK(korea->scenario_name == "korea-baseline");
  CHECK(korea->destinations == std::vector<std::string>{"South Korea"});
  CHECK(korea->weights.female_share > 0.0);  // fitted by sex, not only totals

  // 1998-2025, every total present; the sex split is missing (blank), not zero, for 1998-2001.
  REQUIRE(korea->observed.size() == 28);
  double observed_total = 0.0;
  for (std::size_t i = 0; i < korea->observed.size(); ++i) {
    const ObservedYear& year = korea->observed[i];
    CAPTURE(year.year);
    CHECK(year.year == 1998 + static_cast<int>(i));
    REQUIRE(year.total);
    observed_total += *year.total;
    CHECK(year.female_share.has_value() == (year.year >= 2002));
  }
  CHECK(observed_total == 33662.0);  // the sum of observed/arrivals.csv (FIT.md)

  // Each fitted value is applied as a base value (--set); the timeline may change the parameter
  // later, but a change starting on the scenario's first day would leave nothing to fit.
  Diagnostics scenario_diagnostics;
  const auto scenario = load_scenario(korea->scenario_path, LoadOptions{}, scenario_diagnostics);
  REQUIRE(scenario);
  REQUIRE(korea->parameters.size() >= 2);
  for (const CalibratedParameter& parameter : korea->parameters) {
    CAPTURE(parameter.name);
    const auto param = find_param(parameter.name);
    REQUIRE(param);
    CHECK(tumen::spec(*param).scope == ParamScope::global);
    for (const TimelineChange& change : scenario->timeline) {
      if (change.param == *param) CHECK(scenario->start < change.from);
    }
  }
}
