// Golden-output regression: fixed-seed runs of the shipped scenarios, reduced to yearly totals
// of every event and the year-end stocks, must equal the approved text files in
// tests/regression/approved/. After an intended change, scripts/approve rewrites them (the diff
// then shows what changed); TUMEN_APPROVE=1 makes this test write instead of compare.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/model.hpp"
#include "tumen/rng.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;
namespace fs = std::filesystem;

namespace {

// One line per (replicate, year, event or stock), so that a diff names exactly what moved.
std::string yearly_report(const std::string& relative, std::uint64_t seed,
                          std::uint64_t replicates) {
  Diagnostics diagnostics;
  auto scenario = load_scenario(testing::source_path(relative), {}, diagnostics);
  REQUIRE(scenario);
  const Model model(std::move(*scenario), Period::year);
  std::ostringstream out;
  out << "# " << relative << " seed " << seed << ", rng " << rng::kRngScheme << "\n";
  out << "replicate,year,quantity,female,male\n";
  for (std::uint64_t r = 0; r < replicates; ++r) {
    Simulation simulation(model, seed, r);
    REQUIRE(simulation.run());
    const auto result = simulation.take_result();
    for (std::size_t p = 0; p < model.period_count(); ++p) {
      const int year =
          Date{model.scenario().start.days_since_epoch + model.period_start_days()[p]}.year();
      for (std::size_t e = 0; e < kEventCount; ++e) {
        const auto* v = &result.events[(p * kEventCount + e) * kSexCount];
        out << r << ',' << year << ",event:" << kEventNames[e] << ',' << v[0] << ',' << v[1]
            << '\n';
      }
      for (std::size_t s = 0; s < kStateCount; ++s) {
        const auto* v = &result.stocks[(p * kStateCount + s) * kSexCount];
        out << r << ',' << year << ",stock:" << kStateNames[s] << ',' << v[0] << ',' << v[1]
            << '\n';
      }
    }
  }
  return out.str();
}

void check_against_approved(const std::string& scenario, const std::string& approved_name,
                            std::uint64_t seed, std::uint64_t replicates) {
  const std::string actual = yearly_report(scenario, seed, replicates);
  const fs::path approved = testing::source_path("tests/regression/approved/" + approved_name);
  const char* approve = std::getenv("TUMEN_APPROVE");
  if (approve && std::string(approve) == "1") {
    std::ofstream(approved, std::ios::binary) << actual;
    WARN("approved " << approved.string());
    return;
  }
  INFO("run scripts/approve after an intended change to the model or its random numbers");
  REQUIRE(fs::exists(approved));
  const std::string expected = testing::slurp(approved);
  if (expected == actual) return;
  // Name the first line that differs rather than printing two long texts.
  std::istringstream a(expected), b(actual);
  std::string line_a, line_b;
  int line = 0;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    ++line;
    if (!more_a && !more_b) break;
    if (line_a != line_b || more_a != more_b) {
      FAIL(approved.string() << ":" << line << ": approved '" << line_a << "', now '" << line_b
                             << "'");
    }
  }
}

}  // namespace

TEST_CASE("The corridor example matches its approved output", "[regression]") {
  check_against_approved("scenarios/examples/corridor.toml", "corridor.csv", 20261126, 2);
}

TEST_CASE("The Korea baseline matches its approved output", "[regression]") {
  check_against_approved("scenarios/korea/baseline.toml", "korea-baseline.csv", 20261126, 1);
}
