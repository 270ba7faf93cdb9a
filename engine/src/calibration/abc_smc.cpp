#include "tumen/calibration/abc_smc.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "tumen/calibration/importance_weights.hpp"
#include "tumen/calibration/proposal_stream.hpp"
#include "tumen/distributions.hpp"

namespace tumen::calibration {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

// How many attempts to evaluate side by side. Only speed depends on it: the accepted set is the
// first N accepted attempts whatever the batches.
std::uint64_t batch_size(std::uint64_t needed, double expected_rate, int threads,
                         std::uint64_t min_batch) {
  const double rate = std::max(expected_rate, 1e-3);
  const double wanted = std::ceil(static_cast<double>(needed) / rate * 1.1);
  const auto lower = std::min(std::max(static_cast<std::uint64_t>(std::max(threads, 1)), min_batch),
                              std::uint64_t{16384});
  return std::clamp(static_cast<std::uint64_t>(std::min(wanted, 1e6)), lower, std::uint64_t{16384});
}

}  // namespace

bool propose(std::span<const Prior> priors, const Population* previous, const Kernel* kernel,
             std::uint64_t seed, std::uint64_t generation, std::uint64_t attempt,
             std::span<double> out) {
  rng::Draws draws = proposal_draws(seed, generation, attempt);
  if (previous == nullptr || kernel == nullptr) {
    for (std::size_t k = 0; k < priors.size(); ++k) out[k] = priors[k].sample(draws);
    return true;
  }
  for (int tries = 0; tries < kMaxProposalTries; ++tries) {
    const std::size_t ancestor = dist::categorical(draws, previous->weights);
    kernel->perturb(previous->particle(ancestor), draws, out);
    if (std::isfinite(log_prior_density(priors, out))) return true;
  }
  return false;
}

BatchEvaluator local_batch_evaluator(DistanceFunction distance, int threads,
                                     const std::atomic<bool>* stop) {
  auto arena = std::make_shared<tbb::task_arena>(std::max(threads, 1));
  return [distance = std::move(distance), arena, stop](const ProposalBatch& batch) {
    std::atomic<bool> skipped{false};
    arena->execute([&] {
      tbb::parallel_for(std::size_t{0}, batch.distances.size(), [&](std::size_t i) {
        if (batch.proposed[i] == 0) return;
        if (stop && stop->load(std::memory_order_relaxed)) {
          skipped = true;
          return;
        }
        batch.distances[i] =
            distance(batch.particles.subspan(i * batch.dimensions, batch.dimensions),
                     batch.generation, batch.first_attempt + i);
      });
    });
    return !skipped.load();
  };
}

AbcSmcOutcome run_abc_smc(std::span<const Prior> priors, const AbcSmcSettings& settings,
                          const DistanceFunction& distance,
                          const std::optional<Generation>& resume_from,
                          const std::function<void(const Generation&)>& on_generation,
                          const std::atomic<bool>* stop) {
  return run_abc_smc(priors, settings, local_batch_evaluator(distance, settings.threads, stop),
                     resume_from, on_generation, stop);
}

AbcSmcOutcome run_abc_smc(std::span<const Prior> priors, const AbcSmcSettings& settings,
                          const BatchEvaluator& evaluate,
                          const std::optional<Generation>& resume_from,
                          const std::function<void(const Generation&)>& on_generation,
                          const std::atomic<bool>* stop) {
  using Clock = std::chrono::steady_clock;
  const std::size_t dimensions = priors.size();
  const std::uint64_t n = settings.particles;
  const StoppingRules& rules = settings.stop;
  const int threads = std::max(settings.threads, 1);
  tbb::task_arena arena(threads);

  AbcSmcOutcome outcome;
  std::optional<Generation> last = resume_from;
  if (last) outcome.generations = last->index + 1;
  auto finish = [&](StopReason reason, std::string explanation) {
    outcome.reason = reason;
    outcome.explanation = std::move(explanation);
    return outcome;
  };

  while (true) {
    std::uint64_t index = 0;
    double tolerance = settings.initial_tolerance;
    if (last) {
      // The stopping rules look only at the last complete generation, so a resumed run takes
      // the same decisions as an uninterrupted one.
      if (last->tolerance <= rules.target_tolerance) {
        return finish(StopReason::target_tolerance, "generation " + std::to_string(last->index) +
                                                        " reached the target tolerance " +
                                                        number(rules.target_tolerance));
      }
      if (last->index + 1 >= rules.max_generations) {
        return finish(
            StopReason::max_generations,
            "the limit of " + std::to_string(rules.max_generations) + " generations was reached");
      }
      if (last->acceptance_rate < rules.min_acceptance_rate) {
        return finish(StopReason::acceptance_rate,
                      "generation " + std::to_string(last->index) + " accepted " +
                          number(last->acceptance_rate) + " of its attempts, less than " +
                          number(rules.min_acceptance_rate));
      }
      index = last->index + 1;
      tolerance =
          next_tolerance(last->population.distances, settings.quantile, rules.target_tolerance);
      if (!(tolerance < last->tolerance)) {
        return finish(StopReason::tolerance_stalled,
                      "the distances of generation " + std::to_string(last->index) +
                          " gave no smaller tolerance than " + number(last->tolerance));
      }
    }
    if (index >= kMaxGenerations) {
      return finish(StopReason::max_generations, "the limit of generations was reached");
    }

    const auto started = Clock::now();
    const Population* previous = last ? &last->population : nullptr;
    std::optional<Kernel> kernel;
    if (previous) kernel.emplace(Kernel::from_population(*previous));
    const std::uint64_t limit = (index == 0 && std::isinf(tolerance))
                                    ? std::max(n, attempt_limit(n, rules.min_acceptance_rate))
                                    : attempt_limit(n, rules.min_acceptance_rate);

    Generation generation;
    generation.index = index;
    generation.tolerance = tolerance;
    generation.population.dimensions = dimensions;
    generation.population.particles.reserve(n * dimensions);
    generation.population.distances.reserve(n);

    std::uint64_t next_attempt = 0;
    std::uint64_t accepted = 0;
    std::vector<double> batch_particles;
    std::vector<double> batch_distances;
    std::vector<unsigned char> batch_proposed;
    const double expected_rate = last ? last->acceptance_rate * settings.quantile : 1.0;
    while (accepted < n) {
      if (next_attempt >= limit) {
        return finish(StopReason::acceptance_rate,
                      "generation " + std::to_string(index) + " (tolerance " + number(tolerance) +
                          ") accepted only " + std::to_string(accepted) + " of " +
                          std::to_string(limit) + " attempts, less than the minimum rate " +
                          number(rules.min_acceptance_rate) + "; it is not kept");
      }
      if (stop && stop->load(std::memory_order_relaxed)) {
        outcome.interrupted = true;
        return outcome;
      }
      const std::uint64_t size =
          std::min(batch_size(n - accepted, expected_rate, threads, settings.min_batch),
                   limit - next_attempt);
      batch_particles.assign(size * dimensions, 0.0);
      batch_distances.assign(size, kInfinity);
      batch_proposed.assign(size, 0);
      // Proposing is cheap next to simulating: it is done here, and only the distances may be
      // evaluated elsewhere.
      arena.execute([&] {
        tbb::parallel_for(std::uint64_t{0}, size, [&](std::uint64_t i) {
          const std::span<double> particle(batch_particles.data() + i * dimensions, dimensions);
          batch_proposed[i] = propose(priors, previous, kernel ? &*kernel : nullptr, settings.seed,
                                      index, next_attempt + i, particle)
                                  ? 1
                                  : 0;
        });
      });
      ProposalBatch batch;
      batch.generation = index;
      batch.first_attempt = next_attempt;
      batch.dimensions = dimensions;
      batch.particles = batch_particles;
      batch.proposed = batch_proposed;
      batch.distances = batch_distances;
      if (!evaluate(batch)) {
        outcome.interrupted = true;
        return outcome;
      }
      for (std::uint64_t i = 0; i < size && accepted < n; ++i) {
        const double d = batch_distances[i];
        if (std::isfinite(d) && d <= tolerance) {
          generation.population.particles.insert(generation.population.particles.end(),
                                                 batch_particles.begin() + i * dimensions,
                                                 batch_particles.begin() + (i + 1) * dimensions);
          generation.population.distances.push_back(d);
          ++accepted;
          if (accepted == n) generation.attempts = next_attempt + i + 1;
        }
      }
      next_attempt += size;
    }

    if (previous) {
      generation.population.weights =
          importance_weights(priors, generation.population.particles, *previous, *kernel);
    } else {
      generation.population.weights.assign(n, 1.0 / static_cast<double>(n));
    }
    generation.acceptance_rate = static_cast<double>(n) / static_cast<double>(generation.attempts);
    generation.ess = effective_sample_size(generation.population.weights);
    generation.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    on_generation(generation);
    outcome.generations = index + 1;
    last = std::move(generation);
  }
}

}  // namespace tumen::calibration
