#pragma once
// The integer counters of one finished replicate, laid out row-major in the order of the
// output datasets (see docs/output-format.md). A result depends only on (seed, scenario,
// replicate), never on which thread produced it or when.
#include <cstdint>
#include <memory>
#include <vector>

namespace tumen {

struct ReplicateResult {
  std::uint64_t replicate = 0;
  double wall_seconds = 0.0;  // provenance only; never part of a compared dataset

  std::vector<std::int64_t> events;                    // [time][event][sex]
  std::vector<std::int64_t> location_events;           // [time][location][event]
  std::vector<std::int64_t> arrivals;                  // [time][destination][sex]
  std::vector<std::int64_t> arrivals_by_years_abroad;  // [time][destination][years_abroad]
  std::vector<std::int64_t> stocks;                    // [time][state][sex]
  std::vector<std::int64_t> occupancy;                 // [time][location]
  std::vector<std::int64_t> route_flow;                // [route]

  // What the sink's prepare() made of the counters on the worker thread (encoded chunks, for
  // the HDF5 writer), for its own write(); empty when no sink prepared anything.
  std::shared_ptr<const void> prepared;
};

}  // namespace tumen
