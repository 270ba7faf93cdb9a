// `tumen run` in the MPI build (docs/hpc.md, "MPI"). Under `mpirun -n K`, rank 0 does everything
// the serial `tumen run` does (checks, scenario, opening or resuming the output, finishing, the
// summary table, the exit code) and is the file's single writer: every HDF5 call is made by its
// main thread. Replicates are scheduled dynamically: rank 0 keeps a queue of the replicates still
// to run and hands them out as ranks ask, so a slow replicate never leaves a rank idle while
// others wait. Every rank, rank 0 included, runs its replicates on its own oneTBB threads and the
// other ranks send each finished replicate, already chunk-encoded, to rank 0. With one rank, this
// is the serial `tumen run`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ensemble_runner.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "mpi_protocol.hpp"
#include "mpi_world.hpp"
#include "replicate_pool.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/scenario_loader.hpp"

namespace tumen::cli {

namespace {

using Clock = std::chrono::steady_clock;

// What the other ranks need from rank 0 to run replicates exactly as it would.
struct RunStart {
  std::uint64_t seed = 0;
  std::uint64_t period = 0;
  std::string scenario_hash;
  std::vector<unsigned char> plan;  // H5Writer::encoding_plan()

  [[nodiscard]] std::vector<unsigned char> bytes() const {
    const std::uint64_t head[] = {seed, period, scenario_hash.size()};
    std::vector<unsigned char> out = mpi::to_bytes(head);
    out.insert(out.end(), scenario_hash.begin(), scenario_hash.end());
    out.insert(out.end(), plan.begin(), plan.end());
    return out;
  }
  static RunStart parse(const std::vector<unsigned char>& bytes) {
    constexpr std::size_t head = 3 * sizeof(std::uint64_t);
    if (bytes.size() < head) throw std::runtime_error("MPI: a malformed start message from rank 0");
    const auto numbers = mpi::numbers_of(std::span(bytes).first(head));
    if (numbers[2] > bytes.size() - head) {
      throw std::runtime_error("MPI: a malformed start message from rank 0");
    }
    RunStart start;
    start.seed = numbers[0];
    start.period = numbers[1];
    const auto* text = reinterpret_cast<const char*>(bytes.data() + head);
    start.scenario_hash.assign(text, numbers[2]);
    start.plan.assign(bytes.begin() + static_cast<std::ptrdiff_t>(head + numbers[2]), bytes.end());
    return start;
  }
};

// Rank 0: schedules the replicates over every rank, runs its share, and writes them all.
class Scheduler {
 public:
  Scheduler(const mpi::World& world, const EnsembleOptions& options, RunSummary& sink)
      : world_(world), options_(options), sink_(sink), ranks_(world.size()) {
    for (auto r = options.replicate_begin; r < options.replicate_end; ++r) {
      if (!options.skip || !options.skip(r)) todo_.push_back(r);
    }
    total_ = todo_.size();
  }

  EnsembleReport run(const Model& model) {
    ReplicatePool pool(
        model, options_.seed, options_.threads,
        [this](FinishedReplicate& finished) { sink_.prepare(finished.result); }, options_.stop);
    int active = world_.size() - 1;
    Clock::time_point give_up;
    while (true) {
      bool progressed = false;
      if (!stopping_ && options_.stop && options_.stop->load()) {
        stopping_ = true;
        pool.halt();
        const std::uint64_t code[] = {static_cast<std::uint64_t>(mpi::interrupted_code())};
        for (int rank = 1; rank < world_.size(); ++rank) {
          if (!ranks_[rank].gone) world_.send(rank, mpi::Tag::stop, mpi::to_bytes(code));
        }
        give_up = Clock::now() + mpi::kStopGrace;
      }
      while (!stopping_ && pool.in_flight() < pool.threads() && !todo_.empty()) {
        pool.submit(todo_.front());
        todo_.pop_front();
      }
      while (const auto message = world_.poll()) {
        progressed = true;
        if (message->tag == mpi::Tag::request) {
          mpi::assign_replicates(world_, message->source, mpi::single_number(*message), todo_,
                                 stopping_);
        } else if (message->tag == mpi::Tag::result) {
          done(sink_.write_packed(message->bytes));
          ++received_;
          received_bytes_ += message->bytes.size();
        } else if (message->tag == mpi::Tag::bye && !ranks_[message->source].gone) {
          ranks_[message->source].gone = true;
          --active;
        } else {
          throw mpi::unexpected(*message);
        }
      }
      for (FinishedReplicate& finished : pool.take_finished()) {
        progressed = true;
        if (finished.error) std::rethrow_exception(finished.error);
        if (finished.completed) {
          sink_.write(finished.result);
          done(finished.result.replicate);
          ++ran_here_;
        }
      }
      if (active == 0 && pool.in_flight() == 0 && (todo_.empty() || stopping_)) break;
      if (stopping_ && Clock::now() > give_up) {
        std::cerr << "tumen: error: " << active << " rank" << (active == 1 ? "" : "s")
                  << " did not answer within " << mpi::kStopGrace.count() << " s of the stop\n";
        break;
      }
      if (!progressed) (void)pool.wait(mpi::kPollInterval);
    }
    all_ranks_done_ = active == 0;
    report_.interrupted = report_.completed < total_;
    return report_;
  }

  // Whether every other rank said goodbye: only then may rank 0 end with MPI_Finalize.
  [[nodiscard]] bool all_ranks_done() const { return all_ranks_done_; }

  // Who ran what, and what crossed the network (docs/hpc.md, "MPI": the measurement).
  void print_traffic(std::ostream& out) const {
    char line[300];
    std::snprintf(line, sizeof line,
                  "%d ranks: rank 0 ran %llu replicates, the other ranks %llu, sent to rank 0 "
                  "encoded: %.2f MiB (%.1f KiB a replicate)\n",
                  world_.size(), static_cast<unsigned long long>(ran_here_),
                  static_cast<unsigned long long>(received_),
                  static_cast<double>(received_bytes_) / (1024.0 * 1024.0),
                  received_ > 0 ? static_cast<double>(received_bytes_) / 1024.0 /
                                      static_cast<double>(received_)
                                : 0.0);
    out << line;
  }

 private:
  struct Rank {
    bool gone = false;  // said bye
  };

  void done(std::uint64_t replicate) {
    ++report_.completed;
    if (options_.on_replicate_done) options_.on_replicate_done(replicate);
  }

  const mpi::World& world_;
  const EnsembleOptions& options_;
  RunSummary& sink_;
  std::vector<Rank> ranks_;
  std::deque<std::uint64_t> todo_;
  std::uint64_t total_ = 0;
  bool stopping_ = false;
  bool all_ranks_done_ = false;
  EnsembleReport report_;
  std::uint64_t ran_here_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t received_bytes_ = 0;
};

// The other ranks: ask rank 0 for replicates, run them, send them back encoded.
int run_worker(const mpi::World& world, const RunArgs& args) {
  install_interrupt_handlers();
  const std::uint64_t status = mpi::broadcast_status(world, 0);
  if (status != mpi::kProceed) return static_cast<int>(status);
  std::vector<unsigned char> start_bytes;
  world.broadcast(start_bytes);
  const std::string rank = "tumen: rank " + std::to_string(world.rank()) + ": ";
  try {
    const RunStart start = RunStart::parse(start_bytes);
    // Every rank reads the scenario itself; it must be the very one rank 0 read (a node with
    // other files, say, would silently make another run).
    Diagnostics diagnostics;
    auto scenario = load_scenario(args.scenario, LoadOptions{args.set}, diagnostics);
    if (!scenario) {
      std::ostringstream text;
      text << rank << "error: the scenario loaded on rank 0 but not here:\n";
      diagnostics.print(text);
      mpi::end_job(world, kInvalidInput, text.str());
    }
    if (scenario->hash != start.scenario_hash) {
      mpi::end_job(world, kInvalidInput,
                   rank + "error: " + args.scenario +
                       " resolves to another scenario here than on rank 0 (scenario_hash " +
                       scenario->hash + ", rank 0 has " + start.scenario_hash +
                       "): every rank must see the same files\n");
    }
    const Model model(std::move(*scenario), static_cast<Period>(start.period));
    const int threads = args.threads > 0 ? args.threads : available_cpus();
    return mpi::run_assigned_replicates(world, model, start.seed, 0, start.plan, threads, 0);
  } catch (const std::bad_alloc&) {
    mpi::end_job(world, kFailure, rank + "error: out of memory\n");
  } catch (const std::exception& e) {
    mpi::end_job(world, kFailure, rank + "error: " + e.what() + "\n");
  }
}

}  // namespace

int start_run(const RunArgs& args) {
  std::optional<mpi::World> world;
  if (!mpi::open_world(world)) return kFailure;
  if (world->size() == 1) return run_command(args);
  if (world->rank() != 0) return run_worker(*world, args);

  bool started = false;
  bool ranks_done = false;
  int code = kFailure;
  try {
    code = run_command(args, [&](const Model& model, const RunDescription& run,
                                 const EnsembleOptions& options, RunSummary& sink) {
      started = true;
      (void)mpi::broadcast_status(*world, mpi::kProceed);
      RunStart start;
      start.seed = options.seed;
      start.period = static_cast<std::uint64_t>(model.period());
      start.scenario_hash = run.scenario_hash;
      start.plan = sink.writer().encoding_plan();
      std::vector<unsigned char> bytes = start.bytes();
      world->broadcast(bytes);
      Scheduler scheduler(*world, options, sink);
      const EnsembleReport report = scheduler.run(model);
      ranks_done = scheduler.all_ranks_done();
      if (!args.quiet) scheduler.print_traffic(std::cout);
      return report;
    });
  } catch (const std::bad_alloc&) {
    std::cerr << "tumen: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
  }
  if (!started) {
    (void)mpi::broadcast_status(*world, static_cast<std::uint64_t>(code));
    return code;
  }
  // The output is closed by now (resumable, if unfinished); ranks still running must not be
  // left waiting for a rank 0 that is gone.
  if (!ranks_done) world->abort(code == kSuccess ? kFailure : code);
  return code;
}

}  // namespace tumen::cli
