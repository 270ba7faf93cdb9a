#include <catch2/catch.hpp>

#include <cmath>

#include "support/scratch_dir.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"

using namespace tumen;

namespace {
Scenario corridor() {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path("scenarios/examples/corridor.toml"), {}, diagnostics);
  REQUIRE(s);
  return std::move(*s);
}
std::uint32_t place(const Scenario& s, const std::string& name) {
  for (std::uint32_t i = 0; i < s.places.size(); ++i) {
    if (s.places[i].name == name) return i;
  }
  FAIL("no place " << name);
  return 0;
}
std::uint32_t route(const Scenario& s, const std::string& name) {
  for (std::uint32_t r = 0; r < s.routes.size(); ++r) {
    if (s.route_name(r) == name) return r;
  }
  FAIL("no route " << name);
  return 0;
}
}  // namespace

TEST_CASE("The network lists outgoing routes in route order", "[network]") {
  const Model model(corridor(), Period::month);
  const auto& s = model.scenario();
  const auto out = model.network().routes_from(place(s, "Shenyang"));
  REQUIRE(out.size() == 2);
  CHECK(s.route_name(out[0]) == "Shenyang->Beijing");
  CHECK(s.route_name(out[1]) == "Shenyang->Qingdao");
  CHECK(model.network().routes_from(place(s, "South Korea")).empty());
}

TEST_CASE("Route plans follow the timeline", "[network]") {
  const Model model(corridor(), Period::month);
  const auto& s = model.scenario();
  const auto& network = model.network();
  // Ramps of patrol intensity and the Mongolian closure make several plans.
  CHECK(network.plan_count() > 2);
  const auto mongolia = route(s, "Beijing->Mongolia");
  const std::int32_t closure = days_between(s.start, *Date::parse_iso("2006-06-01"));
  const auto& before = network.plan_for(closure - 1);
  const auto& after = network.plan_for(closure);
  CHECK(std::isfinite(before.step_cost(View::unaided, mongolia, s.routes.size())));
  CHECK(std::isinf(after.step_cost(View::unaided, mongolia, s.routes.size())));
  // Every origin reaches South Korea, on its own and with a broker.
  for (const auto o : model.origins()) {
    CHECK(std::isfinite(before.cost(View::unaided, 0, o)));
    CHECK(std::isfinite(before.cost(View::brokered, 0, o)));
  }
  // People on their own price the broker-only sea route at the fee, so it is dearer for them.
  const auto sea = route(s, "Qingdao->South Korea");
  CHECK(std::isinf(before.step_cost(View::unaided, sea, s.routes.size())));
  CHECK(before.step_cost(View::seeking_broker, sea, s.routes.size()) >
        before.step_cost(View::brokered, sea, s.routes.size()));
  CHECK(model.network().broker_only(sea));
  CHECK(std::isfinite(before.step_cost(View::brokered, sea, s.routes.size())));
  // Brokered costs from Qingdao are lower: the sea route is only 2 days.
  CHECK(before.cost(View::brokered, 0, place(s, "Qingdao")) <
        before.cost(View::unaided, 0, place(s, "Qingdao")));
}

TEST_CASE("Detection hazards scale with patrol intensity", "[network]") {
  const Model model(corridor(), Period::month);
  const auto& s = model.scenario();
  const auto r = route(s, "Musan sector->Yanbian");  // Musan patrol intensity 1.2
  const double base = -std::log1p(-0.06);
  CHECK(model.network().detection_hazard(r, 0) == Approx(base * 1.2));
  const std::int32_t after_ramp = days_between(s.start, *Date::parse_iso("2006-01-01"));
  CHECK(model.network().detection_hazard(r, after_ramp) == Approx(base * 2.0));
}
