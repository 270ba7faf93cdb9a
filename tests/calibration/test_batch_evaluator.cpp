// The hook that `mpirun tumen calibrate` plugs into (BatchEvaluator, engine/cli/mpi_calibrate.cpp):
// the generations must not depend on who evaluates a batch's distances, in which pieces or order,
// nor on the batch size; an evaluator that reports a stop ends the run as interrupted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/proposal_stream.hpp"
#include "tumen/distributions.hpp"

using namespace tumen;
using namespace tumen::calibration;

namespace {

// y = theta + noise from the attempt's own stream; observed y = 3; the distance is |y - 3|.
double toy_distance(std::span<const double> particle, std::uint64_t generation,
                    std::uint64_t attempt) {
  rng::Draws draws(replicate_key(5, generation, attempt, 0), 0, 0, rng::Purpose::movement);
  const double noise = (dist::uniform(draws) - 0.5) * 0.2;
  double d = 0;
  for (const double x : particle) d += std::abs(x + noise - 3.0);
  return d;
}

const std::vector<Prior> kPriors = {Prior::uniform(0.0, 10.0), Prior::normal(3.0, 2.0)};

AbcSmcSettings toy_settings() {
  AbcSmcSettings settings;
  settings.particles = 50;
  settings.seed = 17;
  settings.threads = 2;
  settings.stop.max_generations = 5;
  return settings;
}

template <typename Evaluate>
std::vector<Generation> run(const AbcSmcSettings& settings, const Evaluate& evaluate,
                            AbcSmcOutcome* outcome = nullptr) {
  std::vector<Generation> generations;
  const AbcSmcOutcome result = run_abc_smc(kPriors, settings, evaluate, std::nullopt,
                                           [&](const Generation& g) { generations.push_back(g); });
  if (outcome) *outcome = result;
  return generations;
}

}  // namespace

TEST_CASE("A batch evaluated in pieces, backwards, in bigger batches gives the same generations",
          "[calibration]") {
  const auto plain = run(toy_settings(), DistanceFunction(toy_distance));
  REQUIRE(plain.size() == 5);

  // Pieces of three attempts from the end of the batch to its start, one thread each, as ranks
  // that answer in any order would; and batches of at least 200 attempts.
  AbcSmcSettings settings = toy_settings();
  settings.min_batch = 200;
  std::uint64_t batches = 0;
  std::uint64_t evaluated = 0;
  const BatchEvaluator pieces = [&](const ProposalBatch& batch) {
    ++batches;
    CHECK(batch.distances.size() >= 200);
    CHECK(batch.particles.size() == batch.distances.size() * batch.dimensions);
    for (std::size_t end = batch.distances.size(); end > 0;) {
      const std::size_t begin = end >= 3 ? end - 3 : 0;
      for (std::size_t i = begin; i < end; ++i) {
        if (batch.proposed[i] == 0) continue;
        batch.distances[i] =
            toy_distance(batch.particles.subspan(i * batch.dimensions, batch.dimensions),
                         batch.generation, batch.first_attempt + i);
        ++evaluated;
      }
      end = begin;
    }
    return true;
  };
  const auto spread = run(settings, pieces);
  REQUIRE(spread.size() == plain.size());
  CHECK(batches >= 5);
  CHECK(evaluated >= 5 * 200);
  for (std::size_t g = 0; g < plain.size(); ++g) {
    REQUIRE(spread[g].index == plain[g].index);
    CHECK(spread[g].tolerance == plain[g].tolerance);
    CHECK(spread[g].attempts == plain[g].attempts);
    CHECK(spread[g].ess == plain[g].ess);
    CHECK(spread[g].population.particles == plain[g].population.particles);
    CHECK(spread[g].population.weights == plain[g].population.weights);
    CHECK(spread[g].population.distances == plain[g].population.distances);
  }
}

TEST_CASE("An evaluator that reports a stop ends the run as interrupted", "[calibration]") {
  int calls = 0;
  const BatchEvaluator stopping = [&](const ProposalBatch& batch) {
    ++calls;
    if (batch.generation == 2) return false;
    for (std::size_t i = 0; i < batch.distances.size(); ++i) {
      if (batch.proposed[i] != 0) {
        batch.distances[i] =
            toy_distance(batch.particles.subspan(i * batch.dimensions, batch.dimensions),
                         batch.generation, batch.first_attempt + i);
      }
    }
    return true;
  };
  AbcSmcOutcome outcome;
  const auto generations = run(toy_settings(), stopping, &outcome);
  CHECK(outcome.interrupted);
  CHECK(outcome.generations == 2);
  CHECK(generations.size() == 2);
  CHECK(calls >= 3);
}
