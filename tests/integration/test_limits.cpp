// The limits of docs/reliability.md, end to end: for each quantity a hostile file can inflate, a
// scenario just past the limit is generated and `tumen validate` refuses it with exit 1 and a
// message naming the file, before the memory is committed. The largest inputs are a few MB.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/limits.hpp"

namespace fs = std::filesystem;
using namespace tumen;
using testing::ScratchDir;

namespace {

const std::string kTumen = TUMEN_EXE;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A valid two-place scenario; `extra` goes at the end of scenario.toml.
void write_scenario(const ScratchDir& dir, const std::string& extra = "") {
  write(dir.path() / "scenario.toml",
        "[scenario]\nname = \"limits\"\n"
        "start_date = 2010-01-01\nend_date = 2010-12-31\n"
        "places = \"places.csv\"\nroutes = \"routes.csv\"\n" +
            extra);
  if (!fs::exists(dir.path() / "places.csv")) {
    write(dir.path() / "places.csv",
          "name,kind,country,departure_weight,goal_weight\nHome,origin,KP,1,\nSafe,destination,"
          "KR,,1\n");
  }
  if (!fs::exists(dir.path() / "routes.csv")) {
    write(dir.path() / "routes.csv", "from,to,travel_days\nHome,Safe,10\n");
  }
}

testing::CommandResult validate(const ScratchDir& dir, const std::string& options = "") {
  return testing::run_command("'" + kTumen + "' validate scenario.toml " + options, dir.path());
}

void require_refused(const testing::CommandResult& r, const std::string& where,
                     const std::string& what) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(where) != std::string::npos);
  CHECK(r.err.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("The generated base scenario is valid", "[limits]") {
  ScratchDir dir("limits-base");
  write_scenario(dir);
  const auto r = validate(dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("Files: too large, not regular, too many fields", "[limits]") {
  SECTION("a scenario file over 4 MiB") {
    ScratchDir dir("limits-toml-size");
    write_scenario(dir, "# " + std::string(limits::kScenarioFileBytes, 'x') + "\n");
    require_refused(validate(dir), "scenario.toml", "more than the 4.0 MiB allowed");
  }
  SECTION("a table over 64 MiB (sparse, so the test writes nothing)") {
    ScratchDir dir("limits-csv-size");
    write_scenario(dir);
    fs::resize_file(dir.path() / "routes.csv", limits::kTableFileBytes + 1);
    require_refused(validate(dir), "routes.csv", "more than the 64.0 MiB allowed");
  }
  SECTION("an include of a device that never ends") {
    ScratchDir dir("limits-device");
    write(dir.path() / "scenario.toml", "include = \"/dev/zero\"\n");
    require_refused(validate(dir), "scenario.toml:1:11", "is not a regular file");
  }
  SECTION("a row with more than 256 fields") {
    ScratchDir dir("limits-columns");
    std::string wide = "name,kind,country";
    for (int i = 0; i < 300; ++i) wide += ",c" + std::to_string(i);
    write(dir.path() / "places.csv", wide + "\n");
    write_scenario(dir);
    require_refused(validate(dir), "places.csv:1", "a row of more than 256 fields");
  }
  SECTION("more than 10 million fields") {
    ScratchDir dir("limits-fields");
    // 5.1 million rows of two one-byte fields: 20 MB, under the byte limit.
    std::string rows = "a,b\n";
    rows.reserve(21'000'000);
    for (int i = 0; i < 5'100'000; ++i) rows += "1,2\n";
    write(dir.path() / "routes.csv", rows);
    write_scenario(dir);
    require_refused(validate(dir), "routes.csv", "more than 10000000 fields");
  }
}

TEST_CASE("Includes: a diamond that would load 2^16 files is stopped at 64", "[limits]") {
  ScratchDir dir("limits-diamond");
  // Each level includes the next one twice: not a cycle, but exponential.
  for (int level = 0; level < 16; ++level) {
    const std::string next = "level" + std::to_string(level + 1) + ".toml";
    write(dir.path() / ("level" + std::to_string(level) + ".toml"),
          level == 15 ? "" : "include = [\"" + next + "\", \"" + next + "\"]\n");
  }
  write(dir.path() / "scenario.toml", "include = \"level0.toml\"\n");
  require_refused(validate(dir), ".toml:1:", "more than 64 scenario files to read");
}

TEST_CASE("Strings, days, places, destinations, routes", "[limits]") {
  SECTION("a name of 257 bytes") {
    ScratchDir dir("limits-name");
    write_scenario(dir);
    write(dir.path() / "scenario.toml",
          "[scenario]\nname = \"" + std::string(257, 'n') +
              "\"\nstart_date = 2010-01-01\nend_date = 2010-12-31\nplaces = \"places.csv\"\n"
              "routes = \"routes.csv\"\n");
    require_refused(validate(dir), "scenario.toml:2:8",
                    "a string of 257 bytes, longer than the 256");
  }
  SECTION("a place name of 300 bytes") {
    ScratchDir dir("limits-place-name");
    write(dir.path() / "places.csv",
          "name,kind,country,departure_weight,goal_weight\nHome,origin,KP,1,\n" +
              std::string(300, 'p') + ",destination,KR,,1\n");
    write_scenario(dir);
    require_refused(validate(dir), "places.csv:3:1", "a place name of 300 bytes");
  }
  SECTION("more than 200 years") {
    ScratchDir dir("limits-days");
    write_scenario(dir);
    write(dir.path() / "scenario.toml",
          "[scenario]\nname = \"long\"\nstart_date = 1800-01-01\nend_date = 2100-12-31\n"
          "places = \"places.csv\"\nroutes = \"routes.csv\"\n");
    require_refused(validate(dir), "scenario.toml:4:12", "more than the 73200 (200 years) allowed");
  }
  SECTION("more places than a uint16 numbers") {
    ScratchDir dir("limits-places");
    std::string places = "name,kind,country,departure_weight,goal_weight\nHome,origin,KP,1,\n";
    for (std::size_t i = 0; i < limits::kPlaces; ++i) {
      places += "T" + std::to_string(i) + ",transit,CN,,\n";
    }
    write(dir.path() / "places.csv", places);
    write_scenario(dir);
    // Row 65,536 is line 65,537 (after the header): the first place too many.
    require_refused(validate(dir), "places.csv:65537:1", "more than 65535 places");
  }
  SECTION("more than 255 destinations") {
    ScratchDir dir("limits-destinations");
    std::string places = "name,kind,country,departure_weight,goal_weight\nHome,origin,KP,1,\n";
    std::string routes = "from,to,travel_days\n";
    for (int i = 0; i < 256; ++i) {
      places += "D" + std::to_string(i) + ",destination,KR,,1\n";
      routes += "Home,D" + std::to_string(i) + ",10\n";
    }
    write(dir.path() / "places.csv", places);
    write(dir.path() / "routes.csv", routes);
    write_scenario(dir);
    require_refused(validate(dir), "scenario.toml: error: 256 destinations",
                    "tumen handles at most 255");
  }
}

TEST_CASE("The timeline: entries, mass returns, route plans", "[limits]") {
  SECTION("more than 10,000 mass returns") {
    ScratchDir dir("limits-mass-returns");
    std::string entries;
    for (std::size_t i = 0; i <= limits::kMassReturns; ++i) {
      entries += "[[mass_return]]\ndate = 2010-06-01\ncountry = \"KR\"\n";
    }
    write_scenario(dir, entries);
    require_refused(validate(dir), "scenario.toml:", "more than 10000 mass returns");
  }
  SECTION("more than 100,000 timeline entries, across included files") {
    ScratchDir dir("limits-timeline");
    // 100,001 entries of 60 bytes are 6 MB: split over three files under the 4 MiB limit.
    std::string includes = "include = [";
    for (int part = 0; part < 3; ++part) {
      std::string entries;
      for (int i = 0; i < 33'334; ++i) {
        entries +=
            "[[timeline]]\nparameter = \"route.time_weight\"\ndate = 2010-06-01\nvalue = 1\n";
      }
      write(dir.path() / ("part" + std::to_string(part) + ".toml"), entries);
      includes += std::string(part ? ", " : "") + "\"part" + std::to_string(part) + ".toml\"";
    }
    write_scenario(dir);
    std::string main = testing::slurp(dir.path() / "scenario.toml");
    write(dir.path() / "scenario.toml", includes + "]\n" + main);
    require_refused(validate(dir), "part", "more than 100000 timeline entries");
  }
  SECTION("a ramp of a route parameter over a large network") {
    ScratchDir dir("limits-route-plans");
    // 5,000 routes changed on every day of a 30-year ramp: 55 million route-days to build.
    std::string places =
        "name,kind,country,departure_weight,goal_weight\nHome,origin,KP,1,\n"
        "Safe,destination,KR,,1\n";
    std::string routes = "from,to,travel_days\n";
    for (int i = 0; i < 2500; ++i) {
      places += "T" + std::to_string(i) + ",transit,CN,,\n";
      routes += "Home,T" + std::to_string(i) + ",5\nT" + std::to_string(i) + ",Safe,5\n";
    }
    write(dir.path() / "places.csv", places);
    write(dir.path() / "routes.csv", routes);
    write(dir.path() / "scenario.toml",
          "[scenario]\nname = \"ramp\"\nstart_date = 2000-01-01\nend_date = 2029-12-31\n"
          "places = \"places.csv\"\nroutes = \"routes.csv\"\n"
          "[[timeline]]\nparameter = \"route.time_weight\"\nfrom = 2000-01-02\n"
          "to = 2029-12-31\nvalue = 2\n");
    require_refused(validate(dir), "scenario.toml: error: the timeline changes the route network",
                    "use steps or shorter ramps");
  }
}

TEST_CASE("Agents and output size", "[limits]") {
  SECTION("a population past the agent ids") {
    ScratchDir dir("limits-agents");
    const auto r =
        testing::run_command("'" + kTumen + "' validate '" +
                                 testing::source_path("scenarios/stress/population.toml").string() +
                                 "' --set population.size=5e9",
                             dir.path());
    require_refused(r, "population.toml: error: population.size 5e+09",
                    "than the 4278190079 tumen can number");
  }
  SECTION("replicates times the counters of one") {
    ScratchDir dir("limits-output");
    // Daily Korea counters are about 66 MiB a replicate: a million of them are 60 TiB.
    const auto r = testing::run_command(
        "'" + kTumen + "' run '" + testing::source_path("scenarios/korea/baseline.toml").string() +
            "' --period day -r 1000000 -q -o out.h5",
        dir.path());
    require_refused(r, "baseline.toml: error: 1000000 replicates of", "more than the 16.0 TiB");
    CHECK_FALSE(fs::exists(dir.path() / "out.h5.partial"));
  }
}

TEST_CASE("A file with thousands of mistakes prints the first hundred", "[limits]") {
  ScratchDir dir("limits-many-errors");
  std::string entries;
  for (int i = 0; i < 5000; ++i) {
    entries += "[[timeline]]\nparameter = \"no.such\"\ndate = 2010-06-01\nvalue = 1\n";
  }
  write_scenario(dir, entries);
  const auto r = validate(dir);
  CHECK(r.exit_code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') < 110);
  CHECK(r.err.find("4900 more messages not shown") != std::string::npos);
  CHECK(r.err.find("5000 errors") != std::string::npos);
}
