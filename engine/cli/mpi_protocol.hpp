#pragma once
// The pieces of the MPI protocol that `tumen run`, `tumen sweep` and `tumen calibrate` share
// (docs/hpc.md, "MPI"): the opening status broadcast, reading one-number messages, the exit code
// of a stop, ending the job from a rank, and a worker's side of the replicate scheduling that
// run and sweep both use. MPI build only (TUMEN_MPI=ON); it sees MPI through mpi_world.hpp.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "mpi_world.hpp"
#include "tumen/model.hpp"

namespace tumen::cli::mpi {

// What rank 0 broadcasts first: kProceed, or the exit code every rank then returns at once (a bad
// input, a refused --resume, a file already complete, ...), which rank 0 alone reports.
inline constexpr std::uint64_t kProceed = 1000;
// How long the main thread of a rank sleeps when nothing happened; replicates and particles take
// far longer.
inline constexpr auto kPollInterval = std::chrono::milliseconds(1);
// After a stop or the end, how long rank 0 waits for the other ranks' last messages and goodbyes
// before it gives up on them and ends the job with MPI_Abort (its file is closed by then).
inline constexpr auto kStopGrace = std::chrono::seconds(20);

// Rank 0 passes its `status` (kProceed or an exit code); the other ranks pass anything and get
// rank 0's.
std::uint64_t broadcast_status(const World& world, std::uint64_t status);

// The one u64 a message carries (request: a count; stop: an exit code); throws if it has not one.
std::uint64_t single_number(const Message& message);

// The error for a message whose tag is not expected at this point of the protocol.
std::runtime_error unexpected(const Message& message);

// The exit code of a command that a signal stopped (DESIGN.md: 130 or 143).
int interrupted_code();

// Prints `text` in one write and ends the job with `code`: the pieces of a message written one by
// one may come out of mpirun split by its own MPI_Abort notice.
[[noreturn]] void end_job(const World& world, int code, const std::string& text);

// Joins mpirun's job (or starts an MPI singleton) into `world`, which cannot be moved. If MPI
// cannot start, says why on stderr and returns false: the command then exits with kFailure.
[[nodiscard]] bool open_world(std::optional<World>& world);

// Rank 0's answer to a request from `rank` for `wanted` replicates: up to that many from the front
// of `todo`, none once it is empty or `stopping` (an empty assign tells the rank there are no
// more).
void assign_replicates(const World& world, int rank, std::uint64_t wanted,
                       std::deque<std::uint64_t>& todo, bool stopping);

// A worker rank's part of one ensemble (a run, or one point of a sweep): asks rank 0 for
// replicates as its `threads` free up, runs them, sends each back packed with rank 0's encoding
// `plan`, and says bye when rank 0 has no more or a stop came. `stopped` is the exit code of a
// stop already seen (0: none); returns it, or that of a stop seen here.
int run_assigned_replicates(const World& world, const Model& model, std::uint64_t seed,
                            std::uint64_t stream_point, std::span<const unsigned char> plan,
                            int threads, int stopped);

}  // namespace tumen::cli::mpi
