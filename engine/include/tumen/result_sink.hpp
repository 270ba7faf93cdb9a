#pragma once
// Where finished replicates go. The engine knows only this interface; the HDF5 writer in
// output/ implements it. The Ensemble calls write() from one thread at a time, in whatever
// order replicates finish; a sink must not depend on that order for what it stores.
#include "tumen/replicate_result.hpp"

namespace tumen {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Work on a finished replicate that can run on the worker thread that made it, beside the
  // other workers and outside the Ensemble's lock: the HDF5 writer encodes its chunks here and
  // leaves them in result.prepared for write(). Must be safe to call from several threads at
  // once. write() must give the same file whether or not prepare() ran.
  virtual void prepare(ReplicateResult& /*result*/) const {}
  virtual void write(const ReplicateResult& result) = 0;
  // Called once after the last write of a successful run.
  virtual void finish() = 0;
};

}  // namespace tumen
