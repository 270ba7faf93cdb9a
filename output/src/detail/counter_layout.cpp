#include "detail/counter_layout.hpp"

namespace tumen::output::detail {

const std::vector<CounterDataset>& counter_datasets() {
  static const std::vector<CounterDataset> datasets = {
      {"events",
       {"replicate", "time", "event", "sex"},
       "events",
       "events within each period",
       &ReplicateResult::events},
      {"location_events",
       {"replicate", "time", "location", "event"},
       "events",
       "events within each period, by place",
       &ReplicateResult::location_events},
      {"arrivals",
       {"replicate", "time", "destination", "sex"},
       "people",
       "arrivals within each period",
       &ReplicateResult::arrivals},
      {"arrivals_by_years_abroad",
       {"replicate", "time", "destination", "years_abroad"},
       "people",
       "arrivals within each period, by whole years since the first departure",
       &ReplicateResult::arrivals_by_years_abroad},
      {"stocks",
       {"replicate", "time", "state", "sex"},
       "people",
       "people in each state at the end of each period",
       &ReplicateResult::stocks},
      {"occupancy",
       {"replicate", "time", "location"},
       "people",
       "people present at the end of each period",
       &ReplicateResult::occupancy},
      {"route_flow",
       {"replicate", "route"},
       "events",
       "traversals of each route over the run",
       &ReplicateResult::route_flow},
  };
  return datasets;
}

const CounterDataset* find_counter(std::string_view name) {
  for (const CounterDataset& layout : counter_datasets()) {
    if (name == layout.name) return &layout;
  }
  return nullptr;
}

DimensionSizes dimension_sizes(const RunDescription& run) {
  return {
      {"replicate", run.replicate_count()},
      {"time", run.time_count()},
      {"location", run.locations.size()},
      {"destination", run.destinations.size()},
      {"event", run.events.size()},
      {"state", run.states.size()},
      {"sex", run.sexes.size()},
      {"route", run.routes.size()},
      {"years_abroad", static_cast<hsize_t>(run.years_abroad_max) + 1},
  };
}

std::vector<hsize_t> counter_shape(const CounterDataset& layout, const RunDescription& run) {
  const DimensionSizes sizes = dimension_sizes(run);
  std::vector<hsize_t> shape;
  for (const std::string& dimension : layout.dims) shape.push_back(sizes.find(dimension)->second);
  return shape;
}

}  // namespace tumen::output::detail
