#include <catch2/catch.hpp>

#include <algorithm>

#include "support/scratch_dir.hpp"
#include "tumen/scenario_loader.hpp"

using namespace tumen;
using tumen::testing::ScratchDir;

namespace {

const char* kPlaces =
    "name,kind,country,departure_weight,goal_weight\n"
    "Home,origin,KP,1,\n"
    "Border,border,KP,,\n"
    "Town,transit,CN,,\n"
    "Safe,destination,KR,,1\n";
const char* kRoutes =
    "from,to,travel_days,detection_per_day\n"
    "Home,Border,2,0.01\n"
    "Border,Town,1,0.05\n"
    "Town,Safe,3,0.01\n";
const char* kToml =
    "[scenario]\n"
    "name = \"tiny\"\n"
    "start_date = 2000-01-01\n"
    "end_date = 2000-12-31\n"
    "places = \"places.csv\"\n"
    "routes = \"routes.csv\"\n";

struct Loaded {
  std::optional<Scenario> scenario;
  Diagnostics diagnostics;
  std::string messages() const {
    std::string all;
    for (const auto& d : diagnostics.all()) all += format(d) + "\n";
    return all;
  }
};

Loaded load(const ScratchDir& dir, const std::string& toml, const std::string& places = kPlaces,
            const std::string& routes = kRoutes, std::vector<std::string> set = {}) {
  dir.write("places.csv", places);
  dir.write("routes.csv", routes);
  const auto path = dir.write("s.toml", toml);
  Loaded out;
  out.scenario = load_scenario(path, LoadOptions{std::move(set)}, out.diagnostics);
  return out;
}

}  // namespace

TEST_CASE("The corridor example loads without errors", "[scenario]") {
  Diagnostics diagnostics;
  const auto s =
      load_scenario(testing::source_path("scenarios/examples/corridor.toml"), {}, diagnostics);
  INFO([&] {
    std::string m;
    for (const auto& d : diagnostics.all()) m += format(d) + "\n";
    return m;
  }());
  REQUIRE(s);
  CHECK_FALSE(diagnostics.has_errors());
  CHECK(s->name == "corridor");
  CHECK(s->places.size() == 24);
  CHECK(s->routes.size() == 29);
  CHECK(s->timeline.size() == 9);
  CHECK(s->mass_returns.size() == 1);
  CHECK(s->hash.size() == 64);
  CHECK(s->files.size() == 3);
}

TEST_CASE("A minimal scenario loads, and its hash follows its content", "[scenario]") {
  ScratchDir dir("loader-minimal");
  const auto a = load(dir, kToml);
  INFO(a.messages());
  REQUIRE(a.scenario);
  CHECK(a.scenario->value(Param::departure_rate_per_day) ==
        spec(Param::departure_rate_per_day).default_value);
  const auto b = load(dir, std::string(kToml) + "[departure]\nrate_per_day = 2\n");
  REQUIRE(b.scenario);
  CHECK(b.scenario->value(Param::departure_rate_per_day) == 2.0);
  CHECK(a.scenario->hash != b.scenario->hash);
  const auto c = load(dir, kToml, kPlaces, kRoutes, {"departure.rate_per_day=2"});
  REQUIRE(c.scenario);
  CHECK(c.scenario->value(Param::departure_rate_per_day) == 2.0);
  CHECK(c.scenario->hash != a.scenario->hash);
  CHECK(load(dir, kToml).scenario->hash == a.scenario->hash);
}

TEST_CASE("A missing scenario file is an error naming it", "[scenario][bad-input]") {
  Diagnostics diagnostics;
  CHECK_FALSE(load_scenario("/nonexistent/scenario.toml", {}, diagnostics));
  REQUIRE(diagnostics.error_count() == 1);
  CHECK(format(diagnostics.all()[0]) ==
        "/nonexistent/scenario.toml: error: cannot open scenario: no such file");
}

TEST_CASE("A missing CSV table is reported at the key that names it", "[scenario][bad-input]") {
  ScratchDir dir("loader-missing-csv");
  const auto path = dir.write("s.toml", kToml);
  Diagnostics diagnostics;
  CHECK_FALSE(load_scenario(path, {}, diagnostics));
  REQUIRE(diagnostics.error_count() >= 1);
  const auto m = format(diagnostics.all()[0]);
  CHECK(m.starts_with(path.string() + ":5:10: error: cannot open table"));
  CHECK(m.find("places.csv") != std::string::npos);
  CHECK(m.find("no such file") != std::string::npos);
}

TEST_CASE("A route to an unknown place is reported with a hint", "[scenario][bad-input]") {
  ScratchDir dir("loader-unknown-place");
  const auto r = load(dir, kToml, kPlaces, std::string(kRoutes) + "Town,Saef,3,0.01\n");
  CHECK_FALSE(r.scenario);
  CHECK(r.messages().find("routes.csv:5:6: error: unknown place 'Saef'; did you mean 'Safe'?") !=
        std::string::npos);
}

TEST_CASE("Every problem is reported, each at its position", "[scenario][bad-input]") {
  ScratchDir dir("loader-many");
  const std::string toml = std::string(kToml) +
                           "[departure]\n"
                           "rate_per_dya = 2\n"           // unknown key
                           "female_share = 1.5\n"         // out of range
                           "funds_usd_mean = \"lots\"\n"  // wrong type
                           "[[timeline]]\n"
                           "parameter = \"patrol.intensty\"\n"  // unknown parameter
                           "date = 2000-05-01\n"
                           "value = 2\n"
                           "[[timeline]]\n"
                           "parameter = \"patrol.intensity\"\n"
                           "place = \"Nowhere\"\n"  // unknown place
                           "date = 2000-05-01\n"
                           "value = 2\n"
                           "[[timeline]]\n"
                           "parameter = \"broker.fee_usd\"\n"
                           "from = 2000-05-01\n"
                           "to = 2000-03-01\n"  // ramp ends before it starts
                           "value = 2\n";
  const auto r = load(dir, toml, std::string(kPlaces) + "Home,origin,KP,1,\n");  // duplicate place
  CHECK_FALSE(r.scenario);
  const auto m = r.messages();
  INFO(m);
  CHECK(m.find("s.toml:8:1: error: unknown key 'rate_per_dya' in [departure]; did you mean "
               "'rate_per_day'?") != std::string::npos);
  CHECK(m.find("s.toml:9:16: error: departure.female_share must be a probability in [0, 1], found "
               "1.5") != std::string::npos);
  CHECK(
      m.find("s.toml:10:18: error: 'departure.funds_usd_mean' must be a number, found a string") !=
      std::string::npos);
  CHECK(m.find("s.toml:12:13: error: unknown parameter 'patrol.intensty'; did you mean "
               "'patrol.intensity'?") != std::string::npos);
  CHECK(m.find("s.toml:17:9: error: unknown place 'Nowhere'") != std::string::npos);
  CHECK(m.find("s.toml:23:6: error: ramp ends (2000-03-01) before it starts (2000-05-01)") !=
        std::string::npos);
  CHECK(m.find("places.csv:6:1: error: duplicate place 'Home' (first defined at line 2)") !=
        std::string::npos);
}

TEST_CASE("Syntax errors, bad dates and unreachable destinations are reported",
          "[scenario][bad-input]") {
  ScratchDir dir("loader-syntax");
  SECTION("TOML syntax") {
    const auto r = load(dir, "[scenario\nname = 1\n");
    CHECK_FALSE(r.scenario);
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK(format(r.diagnostics.all()[0]).starts_with((dir.path() / "s.toml").string() + ":1:"));
  }
  SECTION("end before start") {
    std::string toml = kToml;
    toml.replace(toml.find("2000-12-31"), 10, "1999-12-31");
    const auto r = load(dir, toml);
    CHECK_FALSE(r.scenario);
    CHECK(r.messages().find(
              "s.toml:4:12: error: end_date 1999-12-31 is before start_date 2000-01-01") !=
          std::string::npos);
  }
  SECTION("no destination reachable") {
    const auto r = load(dir, kToml, kPlaces, "from,to,travel_days\nHome,Border,1\n");
    CHECK_FALSE(r.scenario);
    CHECK(r.messages().find(
              "places.csv:2:1: error: no destination can be reached from origin 'Home'") !=
          std::string::npos);
  }
  SECTION("binary scenario file") {
    dir.write("places.csv", kPlaces);
    const auto path = dir.write("s.toml", std::string("[scenario]\nname = \"\0\"\n", 21));
    Diagnostics diagnostics;
    CHECK_FALSE(load_scenario(path, {}, diagnostics));
    CHECK(format(diagnostics.all()[0]).find("expected UTF-8 text") != std::string::npos);
  }
}

TEST_CASE("--set errors start with <command line>", "[scenario][bad-input]") {
  ScratchDir dir("loader-set");
  const auto r = load(
      dir, kToml, kPlaces, kRoutes,
      {"departure.rate_per_dy=2", "departure.female_share=2", "broker.fee_usd=abc", "novalue"});
  CHECK_FALSE(r.scenario);
  const auto m = r.messages();
  INFO(m);
  CHECK(m.find("<command line>: error: --set: unknown parameter 'departure.rate_per_dy'; did you "
               "mean 'departure.rate_per_day'?") != std::string::npos);
  CHECK(m.find("<command line>: error: --set departure.female_share must be a probability in [0, "
               "1], found '2'") != std::string::npos);
  CHECK(m.find("<command line>: error: --set broker.fee_usd expects a number, found 'abc'") !=
        std::string::npos);
  CHECK(m.find("<command line>: error: --set expects KEY=VALUE, found 'novalue'") !=
        std::string::npos);
}

TEST_CASE("A variant includes a base, overrides values and drops entries by id",
          "[scenario][include]") {
  ScratchDir dir("loader-include");
  dir.write("places.csv", kPlaces);
  dir.write("routes.csv", kRoutes);
  dir.write("base.toml",
            std::string(kToml) +
                "[departure]\nrate_per_day = 4\nfemale_share = 0.6\n"
                "[[timeline]]\nid = \"fence\"\nparameter = \"patrol.intensity\"\n"
                "kind = \"border\"\ndate = 2000-06-01\nvalue = 3\n"
                "[[timeline]]\nid = \"fees\"\nparameter = \"broker.fee_usd\"\n"
                "date = 2000-03-01\nvalue = 9000\n"
                "[[mass_return]]\nid = \"return\"\ndate = 2000-10-01\ncountry = \"CN\"\n");
  const auto variant =
      dir.write("variants/v.toml",
                "include = \"../base.toml\"\ndrop = [\"fence\", \"return\"]\n"
                "[scenario]\nname = \"variant\"\n[departure]\nrate_per_day = 8\n"
                "[[timeline]]\nparameter = \"broker.fee_usd\"\ndate = 2000-03-01\nvalue = 4500\n");
  Diagnostics diagnostics;
  const auto s = load_scenario(variant, {}, diagnostics);
  INFO([&] {
    std::string m;
    for (const auto& d : diagnostics.all()) m += format(d) + "\n";
    return m;
  }());
  REQUIRE(s);
  CHECK(s->name == "variant");
  CHECK(s->value(Param::departure_rate_per_day) == 8.0);
  CHECK(s->value(Param::departure_female_share) == 0.6);
  CHECK(s->places.size() == 4);  // the base's tables, relative to the base
  REQUIRE(s->timeline.size() == 2);
  CHECK(s->timeline[0].value == 9000);
  CHECK(s->timeline[1].value == 4500);  // appended after the base's: it wins on the same day
  CHECK(s->mass_returns.empty());
  REQUIRE(s->files.size() == 4);
  // In the order they were read: the file itself, its include, then the tables.
  CHECK(s->files[0].path == "v.toml");
  CHECK(s->files[1].path == "../base.toml");
  CHECK(s->files[2].path == "../places.csv");
  CHECK(s->files[3].path == "../routes.csv");
  // The hash covers the base: changing it changes the variant's hash.
  dir.write("base.toml", std::string(kToml) + "[departure]\nrate_per_day = 5\n");
  const auto v2 = load(dir, "include = \"base.toml\"\n");
  REQUIRE(v2.scenario);
  CHECK(v2.scenario->hash != s->hash);
}

TEST_CASE("Errors in an included file name that file", "[scenario][include][bad-input]") {
  ScratchDir dir("loader-include-errors");
  dir.write("places.csv", kPlaces);
  dir.write("routes.csv", kRoutes);
  dir.write("base.toml", std::string(kToml) + "[departure]\nfemale_share = 2\n");
  const auto top = dir.write("top.toml", "include = \"base.toml\"\ndrop = [\"nothing\"]\n");
  Diagnostics diagnostics;
  CHECK_FALSE(load_scenario(top, {}, diagnostics));
  std::string m;
  for (const auto& d : diagnostics.all()) m += format(d) + "\n";
  INFO(m);
  CHECK(m.find((dir.path() / "base.toml").string() +
               ":8:16: error: departure.female_share must be a probability") != std::string::npos);
  CHECK(m.find(top.string() +
               ":2:9: error: drop: no [[timeline]] or [[mass_return]] entry has id 'nothing'") !=
        std::string::npos);
  const auto missing = dir.write("missing.toml", "include = \"nope.toml\"\n");
  Diagnostics d2;
  CHECK_FALSE(load_scenario(missing, {}, d2));
  CHECK(format(d2.all().at(0)).find("missing.toml:1:11: error: cannot open included scenario") !=
        std::string::npos);
}
