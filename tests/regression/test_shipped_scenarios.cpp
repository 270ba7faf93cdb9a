// Every scenario shipped under scenarios/ validates and runs its first two years with a fixed
// seed, keeping every person in exactly one state; the calibration and sweep files there load.
#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>

#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"
#include "tumen/sweep/sweep_spec.hpp"

using namespace tumen;
namespace fs = std::filesystem;

TEST_CASE("Every shipped scenario validates and runs", "[regression][scenarios]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("scenarios"))) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    INFO(file.string());
    Diagnostics diagnostics;
    // Calibration files (docs/calibration.md) live beside their scenarios: they must load.
    if (const std::string text = testing::slurp(file);
        text.rfind("[calibration]", 0) == 0 || text.find("\n[calibration]") != std::string::npos) {
      const auto calibration = calibration::load_calibration(file, diagnostics);
      std::string messages;
      for (const auto& d : diagnostics.all()) messages += format(d) + "\n";
      INFO(messages);
      CHECK(calibration);
      continue;
    }
    // So must sweep files (docs/sweeps.md), which name their base scenario and points.
    if (const std::string text = testing::slurp(file);
        text.rfind("[sweep]", 0) == 0 || text.find("\n[sweep]") != std::string::npos) {
      const auto sweep = sweep::load_sweep(file, diagnostics);
      std::string messages;
      for (const auto& d : diagnostics.all()) messages += format(d) + "\n";
      INFO(messages);
      CHECK(sweep);
      continue;
    }
    auto scenario = load_scenario(file, {}, diagnostics);
    std::string messages;
    for (const auto& d : diagnostics.all()) messages += format(d) + "\n";
    INFO(messages);
    REQUIRE(scenario);
    // The first two years are enough to exercise the scenario's network and rules.
    const Date two_years_in = Date{scenario->start.days_since_epoch + 730};
    if (two_years_in < scenario->end) scenario->end = two_years_in;
    const Model model(std::move(*scenario), Period::year);
    Simulation simulation(model, 20261126, 0);
    REQUIRE(simulation.run());
    const auto& stocks = simulation.recorder().stocks_now();
    CHECK(std::accumulate(stocks.begin(), stocks.end(), std::int64_t{0}) ==
          static_cast<std::int64_t>(simulation.agents().size()));
    CHECK(simulation.agents().size() > 0);
  }
}
