#pragma once
// Turns finished replicates into packets for an H5Writer in another process (docs/hpc.md, "MPI"):
// the ranks of an MPI run have no output file, only the writer's encoding plan, and encode their
// replicates' chunks (shuffle, gzip, Fletcher-32) themselves, as the writer's prepare() would;
// rank 0 stores the packets whole with H5Writer::write_packed. No HDF5 call is made here.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tumen/replicate_result.hpp"

namespace tumen::output {

class ReplicatePacker {
 public:
  // `plan`: the bytes of H5Writer::encoding_plan(). Throws OutputError when they are not a plan.
  explicit ReplicatePacker(std::span<const unsigned char> plan);
  ~ReplicatePacker();
  ReplicatePacker(ReplicatePacker&&) noexcept;
  ReplicatePacker& operator=(ReplicatePacker&&) noexcept;

  // Safe to call from several threads at once. Throws OutputError for a replicate outside the
  // writer's range or counters of the wrong size.
  [[nodiscard]] std::vector<unsigned char> pack(const ReplicateResult& result) const;

 private:
  struct Plan;
  std::unique_ptr<const Plan> plan_;
};

}  // namespace tumen::output
