// End to end: the `tumen` command on real scenarios, real files and real exit codes.
#include <catch2/catch.hpp>

#include <numeric>

#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/h5_reader.hpp"

using namespace tumen;
using testing::ScratchDir;

namespace {

const std::string kTumen = TUMEN_EXE;

testing::CommandResult tumen_cli(const std::string& args, const ScratchDir& dir) {
  return testing::run_command("'" + kTumen + "' " + args, dir.path());
}

std::string scenario(const std::string& relative) {
  return "'" + testing::source_path(relative).string() + "'";
}

}  // namespace

TEST_CASE("tumen --version prints the version", "[cli]") {
  ScratchDir dir("cli-version");
  const auto r = tumen_cli("--version", dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("tumen 0.1.0 (rng philox4x64-10/1"));
}

TEST_CASE("Command-line parse errors exit with 2", "[cli][bad-input]") {
  ScratchDir dir("cli-usage");
  CHECK(tumen_cli("--no-such-option", dir).exit_code == 2);
  CHECK(tumen_cli("run", dir).exit_code == 2);
  CHECK(tumen_cli("run x.toml --threads zero", dir).exit_code == 2);
  CHECK(tumen_cli("run x.toml --period week", dir).exit_code == 2);
  CHECK(tumen_cli("frobnicate", dir).exit_code == 2);
  const auto help = tumen_cli("run --help", dir);
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--replicates") != std::string::npos);
}

TEST_CASE("Bad scenarios exit with 1 and a positioned message", "[cli][bad-input]") {
  ScratchDir dir("cli-bad");
  SECTION("unreadable path") {
    const auto r = tumen_cli("run missing.toml", dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("missing.toml: error: cannot open scenario: no such file") !=
          std::string::npos);
    CHECK(r.err.find("terminate") == std::string::npos);
  }
  SECTION("missing CSV") {
    dir.write("s.toml",
              "[scenario]\nname = \"x\"\nstart_date = 2000-01-01\nend_date = 2000-02-01\n"
              "places = \"nowhere.csv\"\nroutes = \"routes.csv\"\n");
    const auto r = tumen_cli("run s.toml", dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("s.toml:5:10: error: cannot open table") != std::string::npos);
    CHECK(r.err.find("nowhere.csv") != std::string::npos);
  }
  SECTION("route to an unknown place") {
    dir.write("s.toml",
              "[scenario]\nname = \"x\"\nstart_date = 2000-01-01\nend_date = 2000-02-01\n"
              "places = \"p.csv\"\nroutes = \"r.csv\"\n");
    dir.write(
        "p.csv",
        "name,kind,country,departure_weight,goal_weight\nA,origin,KP,1,\nB,destination,KR,,1\n");
    dir.write("r.csv", "from,to,travel_days\nA,B,1\nA,C,2\n");
    const auto r = tumen_cli("validate s.toml", dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("r.csv:3:3: error: unknown place 'C'") != std::string::npos);
    CHECK(tumen_cli("run s.toml", dir).exit_code == 1);
  }
  SECTION("bad --set") {
    const auto r = tumen_cli(
        "run " + scenario("scenarios/tests/two_place.toml") + " --set broker.fee_usd=-5", dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("<command line>: error: --set broker.fee_usd must be a number >= 0") !=
          std::string::npos);
  }
  SECTION("not a tumen file for inspect") {
    dir.write("junk.h5", "this is not HDF5");
    const auto r = tumen_cli("inspect junk.h5", dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("junk.h5") != std::string::npos);
    CHECK(tumen_cli("inspect absent.h5", dir).exit_code == 1);
  }
}

TEST_CASE("validate summarises a valid scenario", "[cli]") {
  ScratchDir dir("cli-validate");
  const auto r = tumen_cli("validate " + scenario("scenarios/examples/corridor.toml"), dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("corridor: valid") != std::string::npos);
  CHECK(r.out.find("places      24: 5 origin 5 border 7 transit 5 third_country 2 destination") !=
        std::string::npos);
}

TEST_CASE("tumen run writes a file that reads back consistently", "[cli][output]") {
  ScratchDir dir("cli-run");
  const auto r =
      tumen_cli("run " + scenario("scenarios/tests/two_place.toml") + " -o out.h5 -r 3 -t 2", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("two_place") != std::string::npos);
  CHECK(r.out.find("arrived in Safe") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5.partial"));

  const output::H5Reader file(dir.path() / "out.h5");
  CHECK(file.string_attribute("scenario_name") == "two_place");
  CHECK(file.uint64_attribute("seed") == 11);
  CHECK(file.uint64_attribute("replicate_total") == 3);
  CHECK(file.string_attribute("replicate_range") == "0:3");
  CHECK(file.string_attribute("period") == "month");
  CHECK(file.string_attribute("rng") == "philox4x64-10/1");
  CHECK(file.string_attribute("scenario_hash").size() == 64);
  const auto done = file.replicate_done();
  CHECK(done == std::vector<std::uint8_t>{1, 1, 1});

  const auto events = file.int64_dataset("/events");
  const auto stocks = file.int64_dataset("/stocks");
  const auto arrivals = file.int64_dataset("/arrivals");
  const auto names = file.strings("/event");
  const auto states = file.strings("/state");
  REQUIRE(events.shape == std::vector<std::size_t>{3, 12, names.size(), 2});
  const auto event_index = [&](const std::string& n) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin());
  };
  for (std::size_t rep = 0; rep < 3; ++rep) {
    std::int64_t created = 0, arrived = 0, from_arrivals = 0;
    for (std::size_t t = 0; t < 12; ++t) {
      for (std::size_t s = 0; s < 2; ++s) {
        created += events.at({rep, t, event_index("first_departure"), s});
        arrived += events.at({rep, t, event_index("arrived"), s});
        from_arrivals += arrivals.at({rep, t, 0, s});
      }
    }
    std::int64_t in_stocks = 0;
    for (std::size_t st = 0; st < states.size(); ++st) {
      for (std::size_t s = 0; s < 2; ++s) in_stocks += stocks.at({rep, 11, st, s});
    }
    CHECK(created > 6000);
    CHECK(in_stocks == created);
    CHECK(arrived == from_arrivals);
  }
}

TEST_CASE("An existing output is never overwritten without --force", "[cli][output]") {
  ScratchDir dir("cli-force");
  const std::string run =
      "run " + scenario("scenarios/tests/two_place.toml") + " -o out.h5 -r 1 -q";
  REQUIRE(tumen_cli(run, dir).exit_code == 0);
  const auto before = std::filesystem::last_write_time(dir.path() / "out.h5");
  const auto again = tumen_cli(run, dir);
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("out.h5: error: the output file exists; use --force") != std::string::npos);
  CHECK(std::filesystem::last_write_time(dir.path() / "out.h5") == before);
  dir.write("out.h5.partial", "leftover");
  const auto leftover = tumen_cli(run + " --force", dir);
  CHECK(leftover.exit_code == 0);
  dir.write("other.h5.partial", "leftover");
  const auto refused =
      tumen_cli("run " + scenario("scenarios/tests/two_place.toml") + " -o other.h5 -r 1 -q", dir);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("partial output of an earlier run") != std::string::npos);
  const auto no_folder =
      tumen_cli("run " + scenario("scenarios/tests/two_place.toml") + " -o nofolder/x.h5 -q", dir);
  CHECK(no_folder.exit_code == 1);
  CHECK(no_folder.err.find("does not exist") != std::string::npos);
}

// [parallel]: the tsan preset runs this case; a race in the two-thread run (the ensemble's
// workers, the writer they feed) makes that tumen exit with 66 and print its report on stderr.
TEST_CASE("One thread and two threads give identical files", "[cli][determinism][parallel]") {
  ScratchDir dir("cli-threads");
  const std::string base =
      "run " + scenario("scenarios/examples/corridor.toml") + " -r 8 --seed 7 -q ";
  const auto one_thread = tumen_cli(base + "-o a.h5 -t 1", dir);
  INFO(one_thread.err);
  REQUIRE(one_thread.exit_code == 0);
  const auto two_threads = tumen_cli(base + "-o b.h5 -t 2", dir);
  INFO(two_threads.err);
  REQUIRE(two_threads.exit_code == 0);
  for (const char* dataset : {"/events", "/location_events", "/occupancy", "/stocks", "/arrivals",
                              "/arrivals_by_years_abroad", "/route_flow"}) {
    INFO(dataset);
    CHECK(
        testing::run_command(std::string("h5diff a.h5 b.h5 ") + dataset + " " + dataset, dir.path())
            .exit_code == 0);
  }
  const auto whole =
      testing::run_command("h5diff --exclude-path /provenance a.h5 b.h5", dir.path());
  INFO(whole.out << whole.err);
  CHECK(whole.exit_code == 0);
  // A different seed differs.
  REQUIRE(
      tumen_cli("run " + scenario("scenarios/examples/corridor.toml") + " -r 8 --seed 8 -q -o c.h5",
                dir)
          .exit_code == 0);
  CHECK(testing::run_command("h5diff -q a.h5 c.h5 /events /events", dir.path()).exit_code == 1);
}
