#include "tumen/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tumen/agents.hpp"
#include "tumen/memory_budget.hpp"
#include "tumen/recorder.hpp"
#include "tumen/route_choice_cache.hpp"
#include "tumen/vocabulary.hpp"

namespace tumen {

namespace {

template <class T, class A>
constexpr std::size_t element_bytes(const std::vector<T, A>&) {
  return sizeof(T);
}

// The bytes of one agent across every field of Agents, read from the fields' types.
std::size_t agent_field_bytes() {
  const Agents a;
  return element_bytes(a.state) + element_bytes(a.flags) + element_bytes(a.pending) +
         element_bytes(a.goal) + element_bytes(a.location) + element_bytes(a.attempts) +
         element_bytes(a.event_day) + element_bytes(a.route) + element_bytes(a.funds_usd) +
         element_bytes(a.origin) + element_bytes(a.first_departure_day);
}

// Expected first departures over the run: the sum over days and origins of the departure rule's
// Poisson mean (in whole-population mode, the population itself).
double expected_first_departures(const Model& model) {
  const double population = model.scenario().value(Param::population_size);
  if (population > 0.0) return population;
  const Timeline& timeline = model.timeline();
  const Series& rate = timeline.global(Param::departure_rate_per_day);
  double total = 0.0;
  for (std::size_t i = 0; i < model.origins().size(); ++i) {
    const Series& push = timeline.place(Param::departure_push, model.origins()[i]);
    for (std::int32_t day = 0; day < model.day_count(); ++day) {
      total += rate.at(day) * model.origin_shares()[i] * push.at(day);
    }
  }
  return total;
}

// Relatives: each person who arrives may bring one more, who may bring another. With the
// largest sponsoring probability p over the run, the chain multiplies the count by at most
// 1 / (1 - p); capped, since p near 1 is bounded by the run's length instead.
double relatives_factor(const Model& model) {
  const Series& p = model.timeline().global(Param::family_sponsor_probability);
  double largest = 0.0;
  for (std::int32_t day = 0; day < model.day_count(); day = p.constant_until(day)) {
    largest = std::max(largest, p.at(day));
  }
  return 1.0 / (1.0 - std::min(largest, 0.75));
}

}  // namespace

std::uint64_t MemoryEstimate::replicate_bytes() const {
  return static_cast<std::uint64_t>(std::ceil(agents_per_replicate)) * bytes_per_agent +
         day_bytes_per_replicate + 2 * counter_bytes_per_replicate;
}

std::uint64_t MemoryEstimate::total_bytes() const {
  return replicates_at_once * replicate_bytes() + model_bytes + process_bytes;
}

std::string MemoryEstimate::explain() const {
  char text[400];
  std::snprintf(text, sizeof text,
                "%llu replicate%s at a time x (%.0f agents x %llu B + %s of counters and day "
                "lists) + %s of route plans and hazard tables + %s for the process",
                static_cast<unsigned long long>(replicates_at_once),
                replicates_at_once == 1 ? "" : "s", std::ceil(agents_per_replicate),
                static_cast<unsigned long long>(bytes_per_agent),
                format_bytes(2 * counter_bytes_per_replicate + day_bytes_per_replicate).c_str(),
                format_bytes(model_bytes).c_str(), format_bytes(process_bytes).c_str());
  return text;
}

MemoryEstimate estimate_memory(const Model& model, std::uint64_t replicates, int threads) {
  MemoryEstimate e;
  const double population = model.scenario().value(Param::population_size);
  // Whole-population mode reserves 5% room for relatives (Simulation::create_population).
  e.agents_per_replicate = population > 0.0
                               ? population * 1.05
                               : expected_first_departures(model) * relatives_factor(model);
  // Fields, plus the day list an agent waits in: a 4-byte id, twice for the growth of vectors.
  e.bytes_per_agent = agent_field_bytes() + 2 * sizeof(AgentId);

  const std::uint64_t periods = model.period_count();
  const std::uint64_t places = model.scenario().places.size();
  const std::uint64_t destinations = model.network().destinations().size();
  const std::uint64_t per_period = kEventCount * kSexCount + places * kEventCount +
                                   destinations * kSexCount + destinations * kYearsAbroadBins +
                                   kStateCount * kSexCount + places;
  e.counter_bytes_per_replicate =
      (periods * per_period + model.scenario().routes.size()) * sizeof(std::int64_t);
  // Per-day due lists and sponsorship lists (empty vectors, three pointers each), and the kept
  // route choices (RouteChoiceCache, a few MiB at most).
  e.day_bytes_per_replicate =
      static_cast<std::uint64_t>(model.day_count()) * 2 * 3 * sizeof(void*) +
      RouteChoiceCache::bytes_for(model.network(), places);

  e.replicates_at_once = replicates >= static_cast<std::uint64_t>(std::max(threads, 1))
                             ? static_cast<std::uint64_t>(std::max(threads, 1))
                             : 1;

  e.model_bytes = model.network().plan_count() *
                      route_plan_bytes(places, model.scenario().routes.size(), destinations) +
                  model.table_bytes();
  return e;
}

}  // namespace tumen
