// `tumen sweep` in the MPI build (docs/sweeps.md, "Under MPI"; docs/hpc.md, "MPI"). Under
// `mpirun -n K`, rank 0 does everything the serial `tumen sweep` does (checks, the sweep file,
// --resume, the points in order, finishing, the exit code) and is the file's single writer. The
// work is (point, replicate) tasks: each point in turn, rank 0 tells every rank which point it is
// (and the point's encoding plan), then hands its replicates out dynamically as ranks ask, exactly
// as `tumen run` does (mpi_run.cpp); every rank runs them on its own oneTBB threads and sends
// them back chunk-encoded. A point's results depend only on (seed, its scenario, k, replicate),
// so the file is the serial build's, bit for bit. With one rank, this is the serial sweep.
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "mpi_protocol.hpp"
#include "mpi_world.hpp"
#include "replicate_pool.hpp"
#include "sweep_runner.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/sweep/sweep_spec.hpp"

namespace tumen::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The sweep's own messages, beside mpi_world.hpp's request/assign/result/stop/bye (which keep
// their meaning within a point). Their numbers are far from that enum's so that tags other
// commands add there never collide with them.
constexpr auto kPointTag = static_cast<mpi::Tag>(32);  // 0 -> worker: a point starts (PointStart)
constexpr auto kEndTag = static_cast<mpi::Tag>(33);    // 0 -> worker: the sweep ends (exit code)

// What the other ranks need from rank 0 to run a point's replicates exactly as it would.
struct PointStart {
  std::uint64_t point = 0;
  std::uint64_t seed = 0;
  std::uint64_t stream_point = 0;
  std::uint64_t period = 0;
  std::string scenario_hash;
  std::vector<unsigned char> plan;  // H5Writer::encoding_plan() of the point's group

  static constexpr std::size_t kHead = 5 * sizeof(std::uint64_t);

  [[nodiscard]] std::vector<unsigned char> bytes() const {
    const std::uint64_t head[] = {point, seed, stream_point, period, scenario_hash.size()};
    std::vector<unsigned char> out = mpi::to_bytes(head);
    out.insert(out.end(), scenario_hash.begin(), scenario_hash.end());
    out.insert(out.end(), plan.begin(), plan.end());
    return out;
  }
  static PointStart parse(const std::vector<unsigned char>& bytes) {
    if (bytes.size() < kHead)
      throw std::runtime_error("MPI: a malformed point message from rank 0");
    const auto numbers = mpi::numbers_of(std::span(bytes).first(kHead));
    if (numbers[4] > bytes.size() - kHead) {
      throw std::runtime_error("MPI: a malformed point message from rank 0");
    }
    PointStart start;
    start.point = numbers[0];
    start.seed = numbers[1];
    start.stream_point = numbers[2];
    start.period = numbers[3];
    start.scenario_hash.assign(reinterpret_cast<const char*>(bytes.data() + kHead), numbers[4]);
    start.plan.assign(bytes.begin() + static_cast<std::ptrdiff_t>(kHead + numbers[4]), bytes.end());
    return start;
  }
};

// Rank 0: runs the sweep's points one after another, each spread over every rank; it also counts
// who ran what for the closing line.
class PointScheduler {
 public:
  explicit PointScheduler(const mpi::World& world) : world_(world) {}

  // One point: its replicates over every rank, every one written here by `writer`.
  EnsembleReport run(const Model& model, const RunDescription& point,
                     const EnsembleOptions& options, output::H5Writer& writer) {
    in_point_ = true;
    PointStart start;
    start.point = point.sweep_point.value_or(0);
    start.seed = options.seed;
    start.stream_point = options.stream_point;
    start.period = static_cast<std::uint64_t>(model.period());
    start.scenario_hash = point.scenario_hash;
    start.plan = writer.encoding_plan();
    const std::vector<unsigned char> start_bytes = start.bytes();
    for (int rank = 1; rank < world_.size(); ++rank) world_.send(rank, kPointTag, start_bytes);

    std::deque<std::uint64_t> todo;
    for (auto r = options.replicate_begin; r < options.replicate_end; ++r) {
      if (!options.skip || !options.skip(r)) todo.push_back(r);
    }
    const std::uint64_t total = todo.size();
    EnsembleReport report;
    auto done = [&](std::uint64_t replicate) {
      ++report.completed;
      if (options.on_replicate_done) options.on_replicate_done(replicate);
    };
    ReplicatePool pool(
        model, options.seed, options.threads,
        [&writer](FinishedReplicate& finished) { writer.prepare(finished.result); }, options.stop,
        options.stream_point);
    int active = world_.size() - 1;  // ranks yet to say bye for this point
    bool stopping = false;
    Clock::time_point give_up;
    while (true) {
      bool progressed = false;
      if (!stopping && options.stop && options.stop->load()) {
        stopping = true;
        pool.halt();
        const std::uint64_t code[] = {static_cast<std::uint64_t>(mpi::interrupted_code())};
        for (int rank = 1; rank < world_.size(); ++rank) {
          world_.send(rank, mpi::Tag::stop, mpi::to_bytes(code));
        }
        give_up = Clock::now() + mpi::kStopGrace;
      }
      while (!stopping && pool.in_flight() < pool.threads() && !todo.empty()) {
        pool.submit(todo.front());
        todo.pop_front();
      }
      while (const auto message = world_.poll()) {
        progressed = true;
        if (message->tag == mpi::Tag::request) {
          mpi::assign_replicates(world_, message->source, mpi::single_number(*message), todo,
                                 stopping);
        } else if (message->tag == mpi::Tag::result) {
          done(writer.write_packed(message->bytes));
          ++received_;
          received_bytes_ += message->bytes.size();
        } else if (message->tag == mpi::Tag::bye) {
          --active;
        } else {
          throw mpi::unexpected(*message);
        }
      }
      for (FinishedReplicate& finished : pool.take_finished()) {
        progressed = true;
        if (finished.error) std::rethrow_exception(finished.error);
        if (finished.completed) {
          writer.write(finished.result);
          done(finished.result.replicate);
          ++ran_here_;
        }
      }
      if (active == 0 && pool.in_flight() == 0 && (todo.empty() || stopping)) break;
      if (stopping && Clock::now() > give_up) {
        std::cerr << "tumen: error: " << active << " rank" << (active == 1 ? "" : "s")
                  << " did not answer within " << mpi::kStopGrace.count() << " s of the stop\n";
        report.interrupted = true;
        return report;  // in_point_ stays true: the job ends with MPI_Abort
      }
      if (!progressed) (void)pool.wait(mpi::kPollInterval);
    }
    in_point_ = false;
    report.interrupted = report.completed < total;
    return report;
  }

  // Whether a point was left with ranks still in it (an error or a stop they did not answer):
  // then rank 0 must end the job with MPI_Abort rather than wait for them.
  [[nodiscard]] bool in_point() const { return in_point_; }

  // The end of the sweep for every other rank: they return `code`.
  void end(int code) const {
    const std::uint64_t value[] = {static_cast<std::uint64_t>(code)};
    for (int rank = 1; rank < world_.size(); ++rank) {
      world_.send(rank, kEndTag, mpi::to_bytes(value));
    }
  }

  void print_traffic(std::ostream& out) const {
    char line[300];
    std::snprintf(line, sizeof line,
                  "%d ranks: rank 0 ran %llu replicates, the other ranks %llu, sent to rank 0 "
                  "encoded: %.2f MiB\n",
                  world_.size(), static_cast<unsigned long long>(ran_here_),
                  static_cast<unsigned long long>(received_),
                  static_cast<double>(received_bytes_) / (1024.0 * 1024.0));
    out << line;
  }

 private:
  const mpi::World& world_;
  bool in_point_ = false;
  std::uint64_t ran_here_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t received_bytes_ = 0;
};

// A message from rank 0, waiting for it.
mpi::Message next_from_rank0(const mpi::World& world) {
  while (true) {
    if (auto message = world.poll(0)) return std::move(*message);
    std::this_thread::sleep_for(mpi::kPollInterval);
  }
}

// The other ranks: every point rank 0 starts, resolved here from the same sweep file, until rank 0
// says the sweep has ended.
int sweep_worker(const mpi::World& world, const SweepArgs& args) {
  install_interrupt_handlers();
  const std::string rank = "tumen: rank " + std::to_string(world.rank()) + ": ";
  try {
    std::optional<sweep::SweepSpec> spec;  // read at the first point: rank 0 may refuse it first
    const int threads = args.threads > 0 ? args.threads : available_cpus();
    int stopped = 0;
    while (true) {
      const mpi::Message message = next_from_rank0(world);
      if (message.tag == kEndTag) {
        const int code = static_cast<int>(mpi::single_number(message));
        return code != 0 ? code : stopped;
      }
      if (message.tag != kPointTag) throw mpi::unexpected(message);
      const PointStart start = PointStart::parse(message.bytes);
      Diagnostics diagnostics;
      if (!spec) {
        spec = sweep::load_sweep(args.sweep, diagnostics);
        if (!spec) {
          std::ostringstream text;
          text << rank << "error: the sweep loaded on rank 0 but not here:\n";
          diagnostics.print(text);
          mpi::end_job(world, kInvalidInput, text.str());
        }
      }
      if (start.point >= spec->points.size()) {
        mpi::end_job(world, kInvalidInput,
                     rank + "error: " + args.sweep + " has " + std::to_string(spec->points.size()) +
                         " points here, but rank 0 runs point " + std::to_string(start.point) +
                         ": every rank must see the same files\n");
      }
      auto scenario = load_scenario(spec->scenario_path, LoadOptions{spec->overrides(start.point)},
                                    diagnostics);
      if (!scenario) {
        std::ostringstream text;
        text << rank << "error: point " << start.point
             << " of the sweep loaded on rank 0 but not here:\n";
        diagnostics.print(text);
        mpi::end_job(world, kInvalidInput, text.str());
      }
      if (scenario->hash != start.scenario_hash) {
        mpi::end_job(world, kInvalidInput,
                     rank + "error: point " + std::to_string(start.point) + " of " + args.sweep +
                         " resolves to another scenario here than on rank 0 (scenario_hash " +
                         scenario->hash + ", rank 0 has " + start.scenario_hash +
                         "): every rank must see the same files\n");
      }
      const Model model(std::move(*scenario), static_cast<Period>(start.period));
      stopped = mpi::run_assigned_replicates(world, model, start.seed, start.stream_point,
                                             start.plan, threads, stopped);
    }
  } catch (const std::bad_alloc&) {
    mpi::end_job(world, kFailure, rank + "error: out of memory\n");
  } catch (const std::exception& e) {
    mpi::end_job(world, kFailure, rank + "error: " + e.what() + "\n");
  }
}

}  // namespace

int start_sweep(const SweepArgs& args) {
  std::optional<mpi::World> world;
  if (!mpi::open_world(world)) return kFailure;
  if (world->size() == 1) return sweep_command(args);
  if (args.list_points) return world->rank() == 0 ? sweep_command(args) : kSuccess;
  if (world->rank() != 0) return sweep_worker(*world, args);

  PointScheduler scheduler(*world);
  int code = kFailure;
  try {
    code = sweep_command(args, [&](const Model& model, const RunDescription& point,
                                   const EnsembleOptions& options, output::H5Writer& writer) {
      return scheduler.run(model, point, options, writer);
    });
  } catch (const std::bad_alloc&) {
    std::cerr << "tumen: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
  }
  // The sweep file is closed by now (resumable, if unfinished); ranks still in a point must not
  // be left waiting for a rank 0 that is gone.
  if (scheduler.in_point()) world->abort(code == kSuccess ? kFailure : code);
  scheduler.end(code);
  if (code == kSuccess && !args.quiet) scheduler.print_traffic(std::cout);
  return code;
}

}  // namespace tumen::cli
