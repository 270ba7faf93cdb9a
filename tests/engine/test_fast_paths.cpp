// The fast paths of the daily step (docs/performance.md) against the plain ones they replace:
// each must give the same bits, not merely close values.
#include <catch2/catch.hpp>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstring>

#include "support/scratch_dir.hpp"
#include "tumen/cumulative_hazard.hpp"
#include "tumen/hazard.hpp"
#include "tumen/large_array.hpp"
#include "tumen/model.hpp"
#include "tumen/route_choice_cache.hpp"
#include "tumen/rules/crossing.hpp"
#include "tumen/rules/route_choice.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;

namespace {

std::unique_ptr<Model> load_model(const std::string& relative, std::vector<std::string> set = {}) {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path(relative), LoadOptions{std::move(set)}, diagnostics);
  REQUIRE(s);
  return std::make_unique<Model>(std::move(*s), Period::month);
}

// The detection hazard as it was read before the segments: three series looked up per call.
struct SeriesRouteHazard {
  const Network& network;
  std::uint32_t route;
  double factor;
  [[nodiscard]] double rate(std::int32_t day) const {
    return factor * network.detection_hazard(route, day);
  }
  [[nodiscard]] std::int32_t constant_until(std::int32_t day) const {
    return network.detection_constant_until(route, day);
  }
};

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool same(const ReplicateResult& a, const ReplicateResult& b) {
  return a.events == b.events && a.location_events == b.location_events &&
         a.arrivals == b.arrivals && a.arrivals_by_years_abroad == b.arrivals_by_years_abroad &&
         a.stocks == b.stocks && a.occupancy == b.occupancy && a.route_flow == b.route_flow;
}

}  // namespace

TEST_CASE("Detection segments reproduce the series on every day of every route",
          "[fast-paths][network]") {
  for (const char* scenario :
       {"scenarios/korea/baseline.toml", "scenarios/examples/corridor.toml"}) {
    INFO(scenario);
    const auto model = load_model(scenario);
    const Network& network = model->network();
    const std::int32_t days = model->day_count();
    for (std::uint32_t r = 0; r < model->scenario().routes.size(); ++r) {
      const rules::RouteHazard fast(network, r, 1.0, 0);
      for (std::int32_t d = 0; d < days; ++d) {
        INFO("route " << r << ", day " << d);
        REQUIRE(same_bits(fast.rate(d), network.detection_hazard(r, d)));
        // Beyond the run the two may name different days; both mean "not before the end".
        REQUIRE(std::min(fast.constant_until(d), days) ==
                std::min(network.detection_constant_until(r, d), days));
      }
    }
  }
}

TEST_CASE("A hop spends its budget over the segments as over the series", "[fast-paths][hazard]") {
  const auto model = load_model("scenarios/korea/baseline.toml");
  const Network& network = model->network();
  const std::int32_t last = model->day_count() - 1;
  rng::Draws draws(rng::Key{5, 0}, 0, 0, rng::Purpose::movement);
  int caught = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto r =
        static_cast<std::uint32_t>(dist::uniform_below(draws, model->scenario().routes.size()));
    const auto first = static_cast<std::int32_t>(dist::uniform_below(draws, last + 2));
    const auto length = static_cast<std::int32_t>(dist::uniform_below(draws, 400));
    const std::int32_t to = std::min(first + length, last);
    const double factor = dist::uniform(draws) < 0.2 ? 0.0 : 0.05 + 20.0 * dist::uniform(draws);
    const double budget = dist::exponential(draws) * (dist::uniform(draws) < 0.5 ? 0.01 : 1.0);
    const std::int32_t slow =
        spend_budget(budget, first, to, SeriesRouteHazard{network, r, factor});
    const std::int32_t fast =
        rules::spend_budget(budget, first, to, rules::RouteHazard(network, r, factor, first));
    INFO("route " << r << " from " << first << " to " << to << ", budget " << budget);
    REQUIRE(fast == slow);
    caught += fast != kForever ? 1 : 0;
  }
  CHECK(caught > 1000);  // the comparison covered budgets that run out as well as ones that last
}

TEST_CASE("Long waits find the same day as plain bisection", "[fast-paths][hazard]") {
  // spend_budget() over cumulative hazards starts near the answer and widens; plain bisection
  // over [first, last] is what it replaces.
  const auto bisect = [](double budget, std::int32_t first, std::int32_t last, const HazardMix& h) {
    if (first > last || !(h.over(first, last) > budget)) return kForever;
    std::int32_t low = first, high = last;
    while (low < high) {
      const std::int32_t middle = low + (high - low) / 2;
      if (h.over(first, middle) > budget) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  };
  const auto model = load_model("scenarios/korea/baseline.toml");
  const std::int32_t last = model->day_count() - 1;
  rng::Draws draws(rng::Key{8, 0}, 0, 0, rng::Purpose::movement);
  const CumulativeHazard* tables[] = {&model->move_on_hazard(), &model->return_hazard(),
                                      &model->release_hazard(), &model->reattempt_hazard(),
                                      model->arrest_hazard(0).first};
  int ended = 0;
  for (int i = 0; i < 50000; ++i) {
    const HazardMix mix{
        tables[dist::uniform_below(draws, 5)], 0.1 + 3.0 * dist::uniform(draws),
        dist::uniform(draws) < 0.5 ? tables[dist::uniform_below(draws, 5)] : nullptr,
        dist::uniform(draws) < 0.1 ? 0.0 : dist::uniform(draws)};
    const auto first = static_cast<std::int32_t>(dist::uniform_below(draws, last + 2));
    const std::int32_t to =
        std::min(last, first + static_cast<std::int32_t>(dist::uniform_below(draws, last + 1)));
    const double budget = dist::exponential(draws) * (dist::uniform(draws) < 0.3 ? 0.001 : 1.0);
    INFO("first " << first << ", last " << to << ", budget " << budget);
    const std::int32_t expected = bisect(budget, first, to, mix);
    REQUIRE(spend_budget(budget, first, to, mix) == expected);
    ended += expected != kForever ? 1 : 0;
  }
  CHECK(ended > 5000);
}

TEST_CASE("Whole-population creation gives the same replicate serially and in parallel blocks",
          "[fast-paths][simulation][determinism][parallel]") {
  const auto model = load_model("scenarios/korea/baseline.toml", {"population.size=300000"});
  Simulation serial(*model, 3, 1);
  REQUIRE(serial.run());
  const auto expected = serial.take_result();
  for (const int threads : {2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    ReplicateResult parallel;
    arena.execute([&] {
      Simulation simulation(*model, 3, 1, SimulationOptions{true, 512});
      REQUIRE(simulation.run());
      parallel = simulation.take_result();
    });
    INFO("threads " << threads);
    CHECK(same(expected, parallel));
  }
}

TEST_CASE("Large arrays hold their values on either side of the huge-page threshold",
          "[fast-paths]") {
  for (const std::size_t n : {std::size_t{10}, std::size_t{1} << 20, (std::size_t{3} << 20) + 5}) {
    LargeVector<std::uint32_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint32_t>(i * 7);
    v.push_back(1);  // grows across the threshold for the middle size
    CHECK(v[n - 1] == static_cast<std::uint32_t>((n - 1) * 7));
    CHECK(v.back() == 1);
  }
}

TEST_CASE("Kept route choices take the same route with the same draws as choose_route",
          "[fast-paths][route-choice]") {
  for (const char* scenario : {"scenarios/korea/baseline.toml", "scenarios/tests/broker_hub.toml",
                               "scenarios/examples/corridor.toml"}) {
    INFO(scenario);
    const auto model = load_model(scenario);
    const Network& network = model->network();
    const std::size_t places = model->scenario().places.size();
    const std::size_t routes = model->scenario().routes.size();
    RouteChoiceCache cache(network, places, routes);
    REQUIRE(cache.enabled());
    const rng::Key key{20240601, 3};
    std::uint64_t entity = 0;
    std::size_t drawn = 0;
    // Plans of days across the run, in order and back, and temperatures that change and return:
    // the cache must forget on every change and never answer from another plan.
    std::vector<std::int32_t> days;
    for (std::int32_t d = 0; d < model->day_count(); d += 197) days.push_back(d);
    for (std::int32_t d = model->day_count() - 1; d >= 0; d -= 389) days.push_back(d);
    for (const std::int32_t day : days) {
      const RoutePlan& plan = network.plan_for(day);
      for (const double temperature : {0.7, 2.5, 0.7}) {
        cache.use(plan, temperature);
        for (int pass = 0; pass < 2; ++pass) {  // the second pass answers from the cache
          for (std::size_t v = 0; v < kViewCount; ++v) {
            for (std::size_t goal = 0; goal < network.destinations().size(); ++goal) {
              for (std::uint32_t place = 0; place < places; ++place) {
                const auto view = static_cast<View>(v);
                rng::Draws plain(key, entity, day, rng::Purpose::movement);
                rng::Draws kept(key, entity, day, rng::Purpose::movement);
                ++entity;
                const auto expected = rules::choose_route(network, plan, routes, place, goal, view,
                                                          temperature, plain);
                const auto got = cache.choose(place, goal, view, kept);
                REQUIRE(got == expected);
                // The same number of words consumed: the next word is the same.
                REQUIRE(kept.next() == plain.next());
                if (expected) ++drawn;
              }
            }
          }
        }
      }
    }
    CHECK(drawn > 0);
  }
}
