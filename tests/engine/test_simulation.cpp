#include <catch2/catch.hpp>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <numeric>

#include "support/scratch_dir.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;

namespace {

std::unique_ptr<Model> load_model(const std::string& relative, Period period = Period::month,
                                  std::vector<std::string> set = {}) {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path(relative), LoadOptions{std::move(set)}, diagnostics);
  REQUIRE(s);
  return std::make_unique<Model>(std::move(*s), period);
}

ReplicateResult run(const Model& model, std::uint64_t seed, std::uint64_t replicate,
                    SimulationOptions options = {}) {
  Simulation simulation(model, seed, replicate, options);
  REQUIRE(simulation.run());
  return simulation.take_result();
}

bool same(const ReplicateResult& a, const ReplicateResult& b) {
  return a.events == b.events && a.location_events == b.location_events &&
         a.arrivals == b.arrivals && a.arrivals_by_years_abroad == b.arrivals_by_years_abroad &&
         a.stocks == b.stocks && a.occupancy == b.occupancy && a.route_flow == b.route_flow;
}

std::int64_t total_event(const ReplicateResult& r, Event e) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    if ((i / kSexCount) % kEventCount == static_cast<std::size_t>(e)) sum += r.events[i];
  }
  return sum;
}

}  // namespace

TEST_CASE("Every agent is in exactly one state on every day", "[simulation][conservation]") {
  const auto model = load_model("scenarios/examples/corridor.toml");
  Simulation simulation(*model, 3, 0);
  const auto& agents = simulation.agents();
  while (simulation.step()) {
    const auto& stocks = simulation.recorder().stocks_now();
    const auto total = std::accumulate(stocks.begin(), stocks.end(), std::int64_t{0});
    REQUIRE(total == static_cast<std::int64_t>(agents.size()));
    for (std::size_t s = 0; s < kStateCount; ++s) {
      std::int64_t in_state = 0;
      for (std::size_t a = 0; a < agents.size(); ++a) in_state += agents.state[a] == s ? 1 : 0;
      REQUIRE(stocks[s * kSexCount] + stocks[s * kSexCount + 1] == in_state);
    }
    const auto& occupancy = simulation.recorder().occupancy_now();
    const auto present = std::accumulate(occupancy.begin(), occupancy.end(), std::int64_t{0});
    REQUIRE(present == total - stocks[static_cast<std::size_t>(State::dead) * kSexCount] -
                           stocks[static_cast<std::size_t>(State::dead) * kSexCount + 1]);
  }
  CHECK(agents.size() > 5000);
}

TEST_CASE("At every period end the stocks add up to the people created so far",
          "[simulation][conservation]") {
  const auto model = load_model("scenarios/examples/corridor.toml");
  const auto result = run(*model, 5, 1);
  const std::size_t per_period = kStateCount * kSexCount;
  std::int64_t created = 0;
  for (std::size_t p = 0; p < model->period_count(); ++p) {
    for (std::size_t s = 0; s < kSexCount; ++s) {
      created +=
          result.events[(p * kEventCount + static_cast<std::size_t>(Event::first_departure)) *
                            kSexCount +
                        s];
    }
    std::int64_t in_stocks = 0;
    for (std::size_t i = 0; i < per_period; ++i) in_stocks += result.stocks[p * per_period + i];
    REQUIRE(in_stocks == created);
  }
  // First departures are counted apart from re-attempts.
  CHECK(total_event(result, Event::departed) > total_event(result, Event::first_departure));
}

TEST_CASE("Every rule family leaves a trace in the corridor example", "[simulation]") {
  const auto model = load_model("scenarios/examples/corridor.toml");
  const auto r = run(*model, 1, 0);
  for (const Event e :
       {Event::departed, Event::first_departure, Event::sponsored_departure, Event::crossed_border,
        Event::caught_at_border, Event::arrested_in_transit, Event::arrested_in_third_country,
        Event::passed_on, Event::started_hiding, Event::broker_hired, Event::broker_refused,
        Event::betrayed, Event::repatriated, Event::mass_returned, Event::released, Event::arrived,
        Event::died}) {
    INFO(kEventNames[static_cast<std::size_t>(e)]);
    CHECK(total_event(r, e) > 0);
  }
  CHECK(total_event(r, Event::arrived) ==
        std::accumulate(r.arrivals.begin(), r.arrivals.end(), std::int64_t{0}));
  CHECK(std::accumulate(r.arrivals_by_years_abroad.begin(), r.arrivals_by_years_abroad.end(),
                        std::int64_t{0}) == total_event(r, Event::arrived));
}

TEST_CASE("The same seed gives the same result; another seed another",
          "[simulation][determinism]") {
  const auto model = load_model("scenarios/examples/corridor.toml");
  const auto a = run(*model, 7, 2);
  CHECK(same(a, run(*model, 7, 2)));
  CHECK_FALSE(same(a, run(*model, 8, 2)));
  CHECK_FALSE(same(a, run(*model, 7, 3)));
}

TEST_CASE("The agent-parallel path equals the serial path", "[simulation][determinism][parallel]") {
  const auto model =
      load_model("scenarios/examples/corridor.toml", Period::month, {"departure.rate_per_day=12"});
  const auto serial = run(*model, 11, 0);
  for (const int threads : {1, 2, 4}) {
    for (const std::size_t block : {std::size_t{7}, std::size_t{64}}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(threads));
      tbb::task_arena arena(threads);
      ReplicateResult parallel;
      arena.execute([&] { parallel = run(*model, 11, 0, SimulationOptions{true, block}); });
      INFO("threads " << threads << ", block " << block);
      CHECK(same(serial, parallel));
    }
  }
}

TEST_CASE("Output periods group the same days", "[simulation]") {
  const auto by_day = load_model("scenarios/examples/corridor.toml", Period::day);
  const auto by_year = load_model("scenarios/examples/corridor.toml", Period::year);
  CHECK(by_day->period_count() == static_cast<std::size_t>(by_day->day_count()));
  CHECK(by_year->period_count() == 8);
  const auto d = run(*by_day, 2, 0);
  const auto y = run(*by_year, 2, 0);
  for (const Event e : {Event::departed, Event::arrived, Event::repatriated}) {
    CHECK(total_event(d, e) == total_event(y, e));
  }
  // The last period's stocks are the same whatever the period.
  const std::size_t n = kStateCount * kSexCount;
  CHECK(std::equal(d.stocks.end() - static_cast<std::ptrdiff_t>(n), d.stocks.end(),
                   y.stocks.end() - static_cast<std::ptrdiff_t>(n)));
}
