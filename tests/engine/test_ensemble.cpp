#include <catch2/catch.hpp>

#include <map>

#include "support/scratch_dir.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/scenario_loader.hpp"

using namespace tumen;

namespace {

class Collect final : public ResultSink {
 public:
  void write(const ReplicateResult& r) override { results[r.replicate] = r; }
  void finish() override { finished = true; }
  std::map<std::uint64_t, ReplicateResult> results;
  bool finished = false;
};

Collect run(const Model& model, int threads, std::uint64_t begin, std::uint64_t end) {
  Collect sink;
  EnsembleOptions options;
  options.seed = 9;
  options.replicate_begin = begin;
  options.replicate_end = end;
  options.threads = threads;
  const auto report = run_ensemble(model, options, sink);
  CHECK(report.completed == end - begin);
  CHECK_FALSE(report.interrupted);
  return sink;
}

}  // namespace

TEST_CASE("Thread count and slicing do not change any replicate",
          "[ensemble][determinism][parallel]") {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path("scenarios/examples/corridor.toml"), {}, diagnostics);
  REQUIRE(s);
  const Model model(std::move(*s), Period::year);
  const auto one = run(model, 1, 0, 6);
  const auto two = run(model, 2, 0, 6);
  const auto slice = run(model, 2, 4, 6);
  const auto agent_parallel = run(model, 4, 5, 6);  // fewer replicates than threads
  REQUIRE(one.results.size() == 6);
  for (std::uint64_t r = 0; r < 6; ++r) {
    INFO("replicate " << r);
    CHECK(one.results.at(r).events == two.results.at(r).events);
    CHECK(one.results.at(r).stocks == two.results.at(r).stocks);
    CHECK(one.results.at(r).location_events == two.results.at(r).location_events);
  }
  CHECK(slice.results.at(4).events == one.results.at(4).events);
  CHECK(slice.results.at(5).occupancy == one.results.at(5).occupancy);
  CHECK(agent_parallel.results.at(5).events == one.results.at(5).events);
  CHECK(one.results.at(0).events != one.results.at(1).events);
}

TEST_CASE("A stop request interrupts the ensemble", "[ensemble]") {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path("scenarios/examples/corridor.toml"), {}, diagnostics);
  REQUIRE(s);
  const Model model(std::move(*s), Period::year);
  std::atomic<bool> stop{true};
  Collect sink;
  EnsembleOptions options;
  options.replicate_end = 3;
  options.stop = &stop;
  const auto report = run_ensemble(model, options, sink);
  CHECK(report.interrupted);
  CHECK(report.completed == 0);
  CHECK(sink.results.empty());
}
