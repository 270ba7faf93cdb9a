// `tumen calibrate` in the MPI build (docs/calibration.md, "Under MPI"). Under `mpirun -n K`,
// rank 0 does everything the serial command does: checks, proposals, acceptance in attempt
// order, and every HDF5 call (it is the single writer). Only the distances, that is the
// particles' simulations, are spread: each batch of proposals is cut into runs of consecutive
// attempts, handed out as ranks ask for them (rank 0 runs its share on its own threads), and the
// distances come back to their place in the batch. A distance depends only on the particle's
// values, its generation and its attempt (proposal_stream.hpp), so the file is the serial
// build's, whatever the rank or thread counts. A rank that leaves (a signal of its own) gives its
// unfinished attempts back to the queue. With one rank, this is the serial `tumen calibrate`.
#include <tbb/global_control.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "calibrate_spread.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "mpi_protocol.hpp"
#include "mpi_world.hpp"
#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/particle_evaluator.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/diagnostics.hpp"

namespace tumen::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The messages, on mpi_world.hpp's tags:
//   request  worker -> 0  u64 how many attempts it can evaluate now (its threads)
//   assign   0 -> worker  u64 generation, first attempt, count; count proposed flags (a u64
//                         each); count * dimensions particle values
//   result   worker -> 0  u64 kind: kDistances then u64 generation, first attempt, count and
//                         count distances; or kParticleError then the message text (any other
//                         error on a worker ends the job with MPI_Abort, as in mpi_run.cpp)
//   stop     0 -> worker  u64 the exit code: the calibration is over (finished or not)
//   bye      worker -> 0  nothing more will come from this rank
constexpr std::uint64_t kDistances = 0;
constexpr std::uint64_t kParticleError = 1;

// Message bytes, built and read in order (every rank runs the same binary on the same CPU kind).
class Bytes {
 public:
  void number(std::uint64_t value) { raw(&value, sizeof value); }
  void real(double value) { raw(&value, sizeof value); }
  void text(const std::string& value) {
    number(value.size());
    raw(value.data(), value.size());
  }
  [[nodiscard]] const std::vector<unsigned char>& bytes() const { return bytes_; }

 private:
  void raw(const void* data, std::size_t size) {
    const auto* begin = static_cast<const unsigned char*>(data);
    bytes_.insert(bytes_.end(), begin, begin + size);
  }
  std::vector<unsigned char> bytes_;
};

class Reader {
 public:
  explicit Reader(std::span<const unsigned char> bytes) : bytes_(bytes) {}
  std::uint64_t number() {
    std::uint64_t value = 0;
    raw(&value, sizeof value);
    return value;
  }
  double real() {
    double value = 0;
    raw(&value, sizeof value);
    return value;
  }
  std::string text() {
    const std::uint64_t size = number();
    if (size > bytes_.size() - at_) malformed();
    std::string value(reinterpret_cast<const char*>(bytes_.data() + at_), size);
    at_ += size;
    return value;
  }
  // Throws unless `count` items of `size` bytes remain: a count from the wire sizes nothing
  // before it is checked.
  void expect(std::uint64_t count, std::size_t size) const {
    if (count > (bytes_.size() - at_) / size) malformed();
  }

 private:
  [[noreturn]] static void malformed() {
    throw std::runtime_error("MPI: a malformed calibration message");
  }
  void raw(void* out, std::size_t size) {
    if (size > bytes_.size() - at_) malformed();
    std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  std::span<const unsigned char> bytes_;
  std::size_t at_ = 0;
};

// A run of consecutive attempts of the batch being evaluated, by their index in the batch.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Rank 0's evaluator of batches: hands out runs of attempts to the ranks that ask and to its own
// threads, and waits until every distance of the batch is back. It lives for the whole
// calibration, so a request that came between two batches is answered in the next one.
class Spreader {
 public:
  Spreader(const mpi::World& world, int threads)
      : world_(world), threads_(std::max(threads, 1)), ranks_(world.size()) {}

  void use_local(calibration::BatchEvaluator local) { local_ = std::move(local); }

  bool evaluate(const calibration::ProposalBatch& batch) {
    batch_ = &batch;
    queue_.assign(1, Span{0, batch.distances.size()});
    std::size_t pending = batch.distances.size();
    std::future<bool> local_lane;
    Span local_span;
    while (pending > 0) {
      bool progressed = false;
      if (stop_requested().load()) {
        if (local_lane.valid()) (void)local_lane.get();
        return false;
      }
      while (const auto message = world_.poll()) {
        progressed = true;
        pending -= receive(*message);
      }
      for (int rank = 1; rank < world_.size(); ++rank) {
        Rank& r = ranks_[rank];
        if (r.wanted == 0 || r.gone || queue_.empty()) continue;
        r.holds = take(r.wanted);
        r.wanted = 0;
        send_assign(rank, r.holds);
        progressed = true;
      }
      if (!local_lane.valid() && !queue_.empty()) {
        // Two attempts a thread, so that a slow one leaves no thread idle for long.
        local_span = take(2 * static_cast<std::uint64_t>(threads_));
        calibration::ProposalBatch part = slice(batch, local_span);
        local_lane = std::async(std::launch::async, [this, part] { return local_(part); });
        progressed = true;
      }
      if (local_lane.valid() &&
          local_lane.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        progressed = true;
        if (!local_lane.get()) return false;  // a stop came while it ran
        pending -= local_span.end - local_span.begin;
      }
      if (!progressed) {
        if (local_lane.valid()) {
          (void)local_lane.wait_for(mpi::kPollInterval);
        } else {
          std::this_thread::sleep_for(mpi::kPollInterval);
        }
      }
    }
    batch_ = nullptr;
    return true;
  }

  // After the calibration: tells every rank to end with `code` and waits for their goodbyes.
  // Returns whether they all said it (only then may rank 0 end with MPI_Finalize).
  bool finish(int code) {
    batch_ = nullptr;
    const std::uint64_t value[] = {static_cast<std::uint64_t>(code)};
    int active = 0;
    for (int rank = 1; rank < world_.size(); ++rank) {
      if (ranks_[rank].gone) continue;
      world_.send(rank, mpi::Tag::stop, mpi::to_bytes(value));
      ++active;
    }
    const auto give_up = Clock::now() + mpi::kStopGrace;
    while (active > 0 && Clock::now() < give_up) {
      const auto message = world_.poll();
      if (!message) {
        std::this_thread::sleep_for(mpi::kPollInterval);
      } else if (message->tag == mpi::Tag::bye && !ranks_[message->source].gone) {
        ranks_[message->source].gone = true;
        --active;
      }
      // Requests and results that crossed the stop are of no use any more.
    }
    if (active > 0) {
      std::cerr << "tumen: error: " << active << " rank" << (active == 1 ? "" : "s")
                << " did not answer within " << mpi::kStopGrace.count() << " s of the end\n";
    }
    return active == 0;
  }

 private:
  struct Rank {
    std::uint64_t wanted = 0;  // an unanswered request for this many attempts
    Span holds;                // the attempts it evaluates now (empty: none)
    bool gone = false;         // said bye
  };

  static calibration::ProposalBatch slice(const calibration::ProposalBatch& batch, Span span) {
    calibration::ProposalBatch part;
    const std::size_t count = span.end - span.begin;
    part.generation = batch.generation;
    part.first_attempt = batch.first_attempt + span.begin;
    part.dimensions = batch.dimensions;
    part.particles =
        batch.particles.subspan(span.begin * batch.dimensions, count * batch.dimensions);
    part.proposed = batch.proposed.subspan(span.begin, count);
    part.distances = batch.distances.subspan(span.begin, count);
    return part;
  }

  Span take(std::uint64_t wanted) {
    Span& front = queue_.front();
    const std::size_t count = std::min<std::size_t>(wanted, front.end - front.begin);
    const Span given{front.begin, front.begin + count};
    front.begin += count;
    if (front.begin == front.end) queue_.pop_front();
    return given;
  }

  void send_assign(int rank, Span span) {
    const calibration::ProposalBatch part = slice(*batch_, span);
    Bytes bytes;
    bytes.number(part.generation);
    bytes.number(part.first_attempt);
    bytes.number(part.distances.size());
    for (const unsigned char proposed : part.proposed) bytes.number(proposed);
    for (const double value : part.particles) bytes.real(value);
    world_.send(rank, mpi::Tag::assign, bytes.bytes());
  }

  // Handles one message; returns how many of the batch's distances it delivered.
  std::size_t receive(const mpi::Message& message) {
    Rank& rank = ranks_[message.source];
    if (message.tag == mpi::Tag::request) {
      Reader reader(message.bytes);
      rank.wanted = std::max<std::uint64_t>(reader.number(), 1);
      return 0;
    }
    if (message.tag == mpi::Tag::bye) {
      rank.gone = true;
      rank.wanted = 0;
      // Its unfinished attempts go back to the queue: any rank computes the same distances.
      if (rank.holds.end > rank.holds.begin) queue_.push_front(rank.holds);
      rank.holds = Span{};
      return 0;
    }
    if (message.tag != mpi::Tag::result) {
      throw mpi::unexpected(message);
    }
    Reader reader(message.bytes);
    const std::uint64_t kind = reader.number();
    if (kind == kParticleError) throw calibration::ParticleError(reader.text());
    if (kind != kDistances) {
      throw std::runtime_error("rank " + std::to_string(message.source) + ": " + reader.text());
    }
    const std::uint64_t generation = reader.number();
    const std::uint64_t first = reader.number();
    const std::uint64_t count = reader.number();
    const std::size_t held = rank.holds.end - rank.holds.begin;
    if (batch_ == nullptr || generation != batch_->generation || count != held ||
        first != batch_->first_attempt + rank.holds.begin) {
      throw std::runtime_error("MPI: distances from rank " + std::to_string(message.source) +
                               " for attempts it was not given");
    }
    reader.expect(count, sizeof(double));
    for (std::size_t i = 0; i < held; ++i) {
      batch_->distances[rank.holds.begin + i] = reader.real();
    }
    rank.holds = Span{};
    return held;
  }

  const mpi::World& world_;
  const int threads_;
  std::vector<Rank> ranks_;
  calibration::BatchEvaluator local_;
  const calibration::ProposalBatch* batch_ = nullptr;
  std::deque<Span> queue_;
};

// The other ranks: ask rank 0 for attempts, evaluate them on their own threads, send the
// distances back, until rank 0 says the calibration is over.
int calibrate_worker(const mpi::World& world, const CalibrateArgs& args) {
  install_interrupt_handlers();
  const std::uint64_t status = mpi::broadcast_status(world, 0);
  if (status != mpi::kProceed) return static_cast<int>(status);
  std::vector<unsigned char> start_bytes;
  world.broadcast(start_bytes);
  const std::string rank = "tumen: rank " + std::to_string(world.rank()) + ": ";
  try {
    Reader start(start_bytes);
    const std::string text = start.text();
    const std::string scenario_hash = start.text();
    // Every rank reads the calibration and its scenario itself; they must be rank 0's.
    Diagnostics diagnostics;
    const auto spec = calibration::load_calibration(args.calibration, diagnostics);
    if (!spec) {
      std::ostringstream message;
      message << rank << "error: the calibration loaded on rank 0 but not here:\n";
      diagnostics.print(message);
      mpi::end_job(world, kInvalidInput, message.str());
    }
    if (spec->text != text || spec->scenario_hash != scenario_hash) {
      mpi::end_job(world, kInvalidInput,
                   rank + "error: " + args.calibration +
                       " resolves to another calibration or scenario here than on rank 0: every "
                       "rank must see the same files\n");
    }
    const calibration::ParticleEvaluator evaluator(*spec);
    const int threads = args.threads > 0 ? args.threads : available_cpus();
    const calibration::BatchEvaluator evaluate = calibration::local_batch_evaluator(
        [&evaluator](std::span<const double> particle, std::uint64_t generation,
                     std::uint64_t attempt) {
          return evaluator.distance(particle, generation, attempt);
        },
        threads, &stop_requested());
    const std::size_t dimensions = spec->parameters.size();
    bool asked = false;
    while (true) {
      if (stop_requested().load()) break;
      if (!asked) {
        const std::uint64_t wanted[] = {static_cast<std::uint64_t>(threads)};
        world.send(0, mpi::Tag::request, mpi::to_bytes(wanted));
        asked = true;
      }
      const auto message = world.poll(0);
      if (!message) {
        std::this_thread::sleep_for(mpi::kPollInterval);
        continue;
      }
      if (message->tag == mpi::Tag::stop) {
        world.send(0, mpi::Tag::bye, {});
        return static_cast<int>(mpi::numbers_of(message->bytes).at(0));
      }
      if (message->tag != mpi::Tag::assign) {
        throw mpi::unexpected(*message);
      }
      asked = false;
      Reader reader(message->bytes);
      calibration::ProposalBatch batch;
      batch.generation = reader.number();
      batch.first_attempt = reader.number();
      const std::uint64_t count = reader.number();
      batch.dimensions = dimensions;
      reader.expect(count, sizeof(std::uint64_t) * (1 + dimensions));
      std::vector<unsigned char> proposed(count);
      for (auto& flag : proposed) flag = reader.number() != 0 ? 1 : 0;
      std::vector<double> particles(count * dimensions);
      for (auto& value : particles) value = reader.real();
      std::vector<double> distances(count, std::numeric_limits<double>::infinity());
      batch.particles = particles;
      batch.proposed = proposed;
      batch.distances = distances;
      Bytes answer;
      try {
        if (!evaluate(batch)) break;  // a signal here: rank 0 gives the attempts to others
        answer.number(kDistances);
        answer.number(batch.generation);
        answer.number(batch.first_attempt);
        answer.number(count);
        for (const double d : distances) answer.real(d);
      } catch (const calibration::ParticleError& e) {
        answer = Bytes{};
        answer.number(kParticleError);
        answer.text(e.what());
      }
      world.send(0, mpi::Tag::result, answer.bytes());
    }
    world.send(0, mpi::Tag::bye, {});
    return mpi::interrupted_code();
  } catch (const std::bad_alloc&) {
    mpi::end_job(world, kFailure, rank + "error: out of memory\n");
  } catch (const std::exception& e) {
    mpi::end_job(world, kFailure, rank + "error: " + e.what() + "\n");
  }
}

}  // namespace

int start_calibrate(const CalibrateArgs& args) {
  std::optional<mpi::World> world;
  if (!mpi::open_world(world)) return kFailure;
  if (world->size() == 1) return calibrate_command(args);
  // mpirun binds a rank to one core when there are two ranks or fewer, and oneTBB then allows no
  // worker thread: -t T must still give T threads (and a word from oneTBB on each batch
  // otherwise), as replicate_pool.cpp does for `tumen run`.
  const int threads = args.threads > 0 ? args.threads : available_cpus();
  const tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                        static_cast<std::size_t>(threads) + 1);
  if (world->rank() != 0) return calibrate_worker(*world, args);

  std::optional<Spreader> spreader;
  int code = kFailure;
  try {
    code = calibrate_command(args, [&](const calibration::CalibrationSpec& spec,
                                       calibration::AbcSmcSettings& settings,
                                       calibration::BatchEvaluator local) {
      (void)mpi::broadcast_status(*world, mpi::kProceed);
      Bytes start;
      start.text(spec.text);
      start.text(spec.scenario_hash);
      std::vector<unsigned char> bytes = start.bytes();
      world->broadcast(bytes);
      spreader.emplace(*world, threads);
      spreader->use_local(std::move(local));
      // Enough attempts in a batch for every rank's threads (assumed as many as rank 0's).
      settings.min_batch =
          static_cast<std::uint64_t>(threads) * 2 * static_cast<std::uint64_t>(world->size());
      return
          [&s = *spreader](const calibration::ProposalBatch& batch) { return s.evaluate(batch); };
    });
  } catch (const std::bad_alloc&) {
    std::cerr << "tumen: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
  }
  if (!spreader) {
    (void)mpi::broadcast_status(*world, static_cast<std::uint64_t>(code));
    return code;
  }
  // The output is closed by now (resumable, if unfinished); ranks that do not answer must not be
  // left running.
  if (!spreader->finish(code)) world->abort(code == kSuccess ? kFailure : code);
  return code;
}

}  // namespace tumen::cli
