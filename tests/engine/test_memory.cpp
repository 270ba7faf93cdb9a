// The memory budget and the estimate that `tumen run` checks against it before a run.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/scratch_dir.hpp"
#include "tumen/memory_budget.hpp"
#include "tumen/memory_estimate.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;

namespace {

Model load(const std::string& relative, std::vector<std::string> set = {}) {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path(relative), LoadOptions{std::move(set)}, diagnostics);
  REQUIRE(s);
  return Model(std::move(*s), Period::month);
}

std::uint64_t counter_bytes(const ReplicateResult& r) {
  return (r.events.size() + r.location_events.size() + r.arrivals.size() +
          r.arrivals_by_years_abroad.size() + r.stocks.size() + r.occupancy.size() +
          r.route_flow.size()) *
         sizeof(std::int64_t);
}

}  // namespace

TEST_CASE("Memory sizes parse with binary units and refuse anything else", "[memory]") {
  CHECK(parse_memory_size("1048576") == 1048576u);
  CHECK(parse_memory_size("8G") == std::uint64_t{8} << 30);
  CHECK(parse_memory_size("8g") == std::uint64_t{8} << 30);
  CHECK(parse_memory_size("512MiB") == std::uint64_t{512} << 20);
  CHECK(parse_memory_size("512MB") == std::uint64_t{512} << 20);
  CHECK(parse_memory_size("2.5 GB") == std::uint64_t{5} << 29);
  CHECK(parse_memory_size("1T") == std::uint64_t{1} << 40);
  CHECK(parse_memory_size("64k") == 65536u);
  CHECK(parse_memory_size("100B") == 100u);
  for (const char* bad : {"", "0", "-1G", "G", "8Q", "8 G B", "nan", "inf", "1e30T", "0.1"}) {
    INFO(bad);
    CHECK_FALSE(parse_memory_size(bad));
  }
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(std::uint64_t{3} << 29) == "1.5 GiB");
  CHECK(format_bytes(std::uint64_t{16} << 40) == "16.0 TiB");
}

TEST_CASE("The memory this process may use is positive and at most the machine's", "[memory]") {
  const std::uint64_t available = available_memory_bytes();
  CHECK(available > (std::uint64_t{64} << 20));
  CHECK(available <= static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                         static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)));
}

TEST_CASE("The estimate's counters are exactly those of a replicate", "[memory]") {
  const Model model = load("scenarios/examples/corridor.toml");
  Simulation simulation(model, 5, 0);
  REQUIRE(simulation.run());
  const ReplicateResult result = simulation.take_result();
  const MemoryEstimate estimate = estimate_memory(model, 1, 1);
  CHECK(estimate.counter_bytes_per_replicate == counter_bytes(result));
  CHECK(estimate.model_bytes > 0);
}

TEST_CASE("The estimate follows the agents and the replicates held at once", "[memory]") {
  // Whole-population mode: the population plus 5% for relatives.
  const Model population = load("scenarios/tests/population_small.toml");
  const double people = population.scenario().value(Param::population_size);
  const MemoryEstimate e = estimate_memory(population, 8, 4);
  CHECK(e.agents_per_replicate == Approx(people * 1.05));
  CHECK(e.replicates_at_once == 4);
  // Fewer replicates than threads: one agent-parallel replicate at a time.
  CHECK(estimate_memory(population, 2, 4).replicates_at_once == 1);
  CHECK(estimate_memory(population, 8, 4).total_bytes() >
        estimate_memory(population, 8, 2).total_bytes());

  // Ordinary mode: the expected departures, 20 a day for 365 days in two_place, which has no
  // family sponsoring (factor 1) -- and within a few percent of the agents a replicate makes.
  const Model two_place = load("scenarios/tests/two_place.toml");
  const MemoryEstimate t = estimate_memory(two_place, 1, 1);
  REQUIRE(two_place.scenario().value(Param::family_sponsor_probability) == 0.0);
  CHECK(t.agents_per_replicate == Approx(20.0 * 365.0));
  Simulation simulation(two_place, 1, 0);
  REQUIRE(simulation.run());
  const double made = static_cast<double>(simulation.agents().size());
  // Poisson(7300) has a standard deviation of 85: 5 sigma is about 6%.
  CHECK(made <= t.agents_per_replicate * 1.06);
  CHECK(made >= 20.0 * 365.0 * 0.94);
}
