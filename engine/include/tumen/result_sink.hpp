#pragma once
// Where finished replicates go. The engine knows only this interface; the HDF5 writer in
// output/ implements it. The Ensemble calls write() from one thread at a time, in whatever
// order replicates finish; a sink must not depend on that order for what it stores.
#include "tumen/replicate_result.hpp"

namespace tumen {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void write(const ReplicateResult& result) = 0;
  // Called once after the last write of a successful run.
  virtual void finish() = 0;
};

}  // namespace tumen
