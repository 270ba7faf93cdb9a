#pragma once
// ABC-SMC (approximate Bayesian computation by sequential Monte Carlo; Toni et al. 2009,
// Beaumont et al. 2009): a population of particles moves from the prior towards the posterior
// through generations of shrinking tolerance. docs/calibration.md describes the method.
//
// Determinism: proposal (generation g, attempt a) draws only from its own streams
// (proposal_stream.hpp). Attempts are evaluated in batches on oneTBB threads, then accepted in
// attempt order: a generation is the first N accepted attempts, whatever the batch size or the
// thread count. A generation depends only on the previous one and the seed, so a run resumed from
// its last complete generation continues exactly as an uninterrupted one.
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tumen/calibration/kernel.hpp"
#include "tumen/calibration/population.hpp"
#include "tumen/calibration/prior.hpp"
#include "tumen/calibration/tolerance_schedule.hpp"

namespace tumen::calibration {

struct AbcSmcSettings {
  std::uint64_t particles = 100;
  std::uint64_t seed = 1;
  double quantile = 0.5;  // alpha of the tolerance schedule
  double initial_tolerance = std::numeric_limits<double>::infinity();
  StoppingRules stop;
  int threads = 1;
  // The fewest attempts in a batch: evaluation slots beyond this process's threads (under MPI,
  // every rank's threads), so that no slot idles. Only speed depends on it.
  std::uint64_t min_batch = 0;
};

struct Generation {
  std::uint64_t index = 0;
  double tolerance = std::numeric_limits<double>::infinity();
  Population population;
  std::uint64_t attempts = 0;  // attempts up to and including the N-th accepted one
  double acceptance_rate = 0.0;
  double ess = 0.0;
  double seconds = 0.0;  // wall time; provenance only
};

// The distance between the data simulated with `particle` and the observed data. Called from
// several threads at once; it must draw only from the streams of (generation, attempt).
using DistanceFunction = std::function<double(std::span<const double> particle,
                                              std::uint64_t generation, std::uint64_t attempt)>;

// A batch of proposals to evaluate: proposal i is attempt first_attempt + i of `generation`, with
// the values particles[i * dimensions, (i + 1) * dimensions); it is to be evaluated only where
// proposed[i] != 0 (it had prior support), its distance written to distances[i].
struct ProposalBatch {
  std::uint64_t generation = 0;
  std::uint64_t first_attempt = 0;
  std::size_t dimensions = 0;
  std::span<const double> particles;
  std::span<const unsigned char> proposed;
  std::span<double> distances;
};

// Fills a batch's distances; returns false when a stop came first (the batch is then dropped).
// Where it evaluates is free (threads here, or other MPI ranks: engine/cli/mpi_calibrate.cpp):
// each distance depends only on the particle's values, its generation and its attempt.
using BatchEvaluator = std::function<bool(const ProposalBatch&)>;

// Evaluates `batch` on `threads` oneTBB threads of this process; the stop is checked before
// each proposal. Throws what `distance` throws.
BatchEvaluator local_batch_evaluator(DistanceFunction distance, int threads,
                                     const std::atomic<bool>* stop);

struct AbcSmcOutcome {
  bool interrupted = false;
  StopReason reason = StopReason::max_generations;
  std::string explanation;        // one sentence for the user and the output file
  std::uint64_t generations = 0;  // complete generations, resumed ones included
};

// Proposal (generation, attempt): a prior draw for generation 0; otherwise an ancestor drawn by
// weight from `previous` and perturbed by `kernel`, again until it lies inside the priors'
// support (at most kMaxProposalTries times). Returns false when no proposal had prior support.
inline constexpr int kMaxProposalTries = 1000;
bool propose(std::span<const Prior> priors, const Population* previous, const Kernel* kernel,
             std::uint64_t seed, std::uint64_t generation, std::uint64_t attempt,
             std::span<double> out);

// Runs generations until a stopping rule holds or *stop becomes true (checked between batches
// of attempts). `resume_from` is the last complete generation of an interrupted run; each
// completed generation goes to `on_generation` before the next starts.
AbcSmcOutcome run_abc_smc(std::span<const Prior> priors, const AbcSmcSettings& settings,
                          const DistanceFunction& distance,
                          const std::optional<Generation>& resume_from,
                          const std::function<void(const Generation&)>& on_generation,
                          const std::atomic<bool>* stop = nullptr);
// The same with the distances of each batch computed by `evaluate`.
AbcSmcOutcome run_abc_smc(std::span<const Prior> priors, const AbcSmcSettings& settings,
                          const BatchEvaluator& evaluate,
                          const std::optional<Generation>& resume_from,
                          const std::function<void(const Generation&)>& on_generation,
                          const std::atomic<bool>* stop = nullptr);

}  // namespace tumen::calibration
