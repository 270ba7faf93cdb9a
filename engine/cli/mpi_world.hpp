#pragma once
// The only door to MPI (docs/hpc.md, "MPI"): the rest of tumen sees ranks and byte messages, and
// only mpi_world.cpp includes mpi.h. It exists in the MPI build (TUMEN_MPI=ON) only. Only the
// thread that made the MpiWorld calls it (MPI_THREAD_FUNNELED); oneTBB workers never do.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tumen::cli::mpi {

// The messages of an MPI run, by tag.
enum class Tag : int {
  request = 1,  // worker -> 0: how many replicates it can take now (u64)
  assign = 2,   // 0 -> worker: replicate numbers (u64 each); none means there are no more
  result = 3,   // worker -> 0: one finished replicate, packed (output::ReplicatePacker)
  stop = 4,     // 0 -> worker: stop now (a signal reached rank 0)
  bye = 5,      // worker -> 0: nothing more will come from this rank
};

struct Message {
  int source = 0;
  Tag tag = Tag::request;
  std::vector<unsigned char> bytes;
};

class World {
 public:
  // MPI_Init_thread; throws std::runtime_error when MPI cannot give MPI_THREAD_FUNNELED.
  World();
  // MPI_Finalize.
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

  // Ends every rank of the job with `code` (MPI_Abort): the answer to a fatal error, so that no
  // rank waits forever for one that gave up.
  [[noreturn]] void abort(int code) const;

  // Rank 0's bytes to every rank; the others pass anything and get rank 0's.
  void broadcast(std::vector<unsigned char>& bytes) const;
  void send(int to, Tag tag, std::span<const unsigned char> bytes) const;
  // A message that has arrived, from anyone (or from `source` only), without waiting.
  [[nodiscard]] std::optional<Message> poll(std::optional<int> source = std::nullopt) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Fixed-size numbers as message bytes (all ranks run the same binary on the same kind of CPU).
std::vector<unsigned char> to_bytes(std::span<const std::uint64_t> numbers);
std::vector<std::uint64_t> numbers_of(std::span<const unsigned char> bytes);

}  // namespace tumen::cli::mpi
