#include "tumen/simulation.hpp"

#include <tbb/blocked_range.h>

#include <algorithm>
#include <functional>

#include "parallel_for.hpp"
#include "tumen/rules/arrival.hpp"
#include "tumen/rules/crossing.hpp"
#include "tumen/rules/departure.hpp"
#include "tumen/rules/hiding.hpp"
#include "tumen/rules/repatriation.hpp"
#include "tumen/rules/route_choice.hpp"

namespace tumen {

// What one block of agents produces in a phase besides changing its own agents. Merged into the
// simulation in block order after the phase, so the result does not depend on the thread count.
struct Simulation::BlockOutput {
  // The serial block files its schedule straight into the due lists, which is the order a merge
  // would append it in; agent-parallel blocks keep theirs here until the merge.
  bool direct = false;
  LargeVector<std::pair<std::int32_t, AgentId>> schedule;
  std::vector<rules::BrokerRequest> broker_requests;
  std::vector<AgentId> arrivals;
  std::vector<std::pair<std::int32_t, Sponsorship>> sponsorships;
  std::unique_ptr<TallyScratch> scratch;  // agent-parallel blocks only
  Tally tally;
};

namespace {
CounterShape shape_of(const Model& model) {
  return {model.period_count(), model.scenario().places.size(),
          model.network().destinations().size(), model.scenario().routes.size()};
}
}  // namespace

Simulation::Simulation(const Model& model, std::uint64_t seed, std::uint64_t replicate,
                       SimulationOptions options)
    : Simulation(model, rng::Key{seed, rng::replicate_stream(replicate)}, options) {}

Simulation::Simulation(const Model& model, rng::Key key, SimulationOptions options)
    : model_(model),
      scenario_(model.scenario()),
      network_(model.network()),
      options_(options),
      key_(key),
      last_day_(model.day_count() - 1),
      recorder_(shape_of(model)),
      route_choices_(model.network(), model.scenario().places.size(),
                     model.scenario().routes.size()),
      due_(static_cast<std::size_t>(model.day_count())),
      sponsorships_(static_cast<std::size_t>(model.day_count())),
      broker_used_this_month_(model.scenario().places.size(), 0),
      serial_(std::make_unique<BlockOutput>()) {
  if (options_.block_size == 0) options_.block_size = 1;
  serial_->direct = true;
  route_segment_.assign(scenario_.routes.size(), 0);
  route_next_segment_.assign(scenario_.routes.size(), 0);
  const Timeline& timeline = model_.timeline();
  for (std::size_t i = 0; i < kParamCount; ++i) {
    if (kParams[i].scope == ParamScope::global) {
      today_slots_.push_back({&timeline.global(static_cast<Param>(i)), &today_[i]});
    }
  }
  broker_capacity_today_.resize(scenario_.places.size());
  for (std::uint32_t p = 0; p < scenario_.places.size(); ++p) {
    today_slots_.push_back(
        {&timeline.place(Param::broker_capacity_per_month, p), &broker_capacity_today_[p]});
  }
  departure_push_today_.resize(model_.origins().size());
  for (std::size_t i = 0; i < model_.origins().size(); ++i) {
    today_slots_.push_back(
        {&timeline.place(Param::departure_push, model_.origins()[i]), &departure_push_today_[i]});
  }
  if (model_.whole_population()) create_population();
}

void Simulation::create_population() {
  const auto& origins = model_.origins();
  // Ids in origin order: origin i holds ids [first[i], first[i + 1]).
  std::vector<std::uint64_t> first(origins.size() + 1, 0);
  for (std::size_t i = 0; i < origins.size(); ++i) first[i + 1] = first[i] + model_.population(i);
  const std::uint64_t total = first.back();
  // Room for the relatives who leave later without a second, doubling reallocation.
  agents_.reserve(static_cast<std::size_t>(total + total / 20 + 1024));
  agents_.resize(static_cast<std::size_t>(total));
  const auto& timeline = model_.timeline();
  const double female_share = timeline.global(Param::departure_female_share).at(0);
  const double funds_mean = timeline.global(Param::departure_funds_usd_mean).at(0);

  // Each person depends only on their id (their draws are keyed by it), so blocks of ids are
  // created independently, on oneTBB threads in agent-parallel mode, and merged in block order:
  // the due lists come out in id order whatever the thread count.
  struct Created {
    std::vector<std::pair<std::int32_t, AgentId>> due;  // (departure day, id), ascending id
    std::int64_t women = 0;
  };
  constexpr std::uint64_t kBlock = 1 << 16;
  const auto blocks = static_cast<std::size_t>((total + kBlock - 1) / kBlock);
  std::vector<Created> created(blocks);
  auto create = [&](std::size_t b) {
    const std::uint64_t begin = b * kBlock;
    const std::uint64_t end = std::min(total, begin + kBlock);
    std::size_t o = static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), begin) -
                                             first.begin() - 1);
    Created& out = created[b];
    constexpr std::size_t kAhead = 8;  // first blocks computed side by side (with_draws)
    std::array<AgentId, kAhead> ids;
    std::array<rng::Block, kAhead> blocks_ahead;
    for (std::uint64_t id = begin; id < end; ++id) {
      const auto ahead = static_cast<std::size_t>((id - begin) % kAhead);
      if (ahead == 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kAhead, end - id));
        for (std::size_t i = 0; i < n; ++i) ids[i] = static_cast<AgentId>(id + i);
        rng::first_blocks(key_, ids.data(), n, 0, rng::Purpose::new_agent, blocks_ahead.data());
      }
      while (id >= first[o + 1]) ++o;
      const auto a = static_cast<AgentId>(id);
      const auto origin = static_cast<std::uint16_t>(origins[o]);
      auto d = rng::Draws(key_, a, 0, rng::Purpose::new_agent, blocks_ahead[ahead]);
      const auto person = rules::draw_person(female_share, funds_mean, model_.goal_weights(), d);
      agents_.state[a] = static_cast<std::uint8_t>(State::at_home);
      agents_.flags[a] = person.female ? agent_flag::female : 0;
      agents_.goal[a] = person.goal;
      agents_.location[a] = origin;
      agents_.attempts[a] = 0;
      agents_.route[a] = 0;
      agents_.funds_usd[a] = person.funds_usd;
      agents_.origin[a] = origin;
      agents_.first_departure_day[a] = 0;
      out.women += person.female ? 1 : 0;
      // The departure day: the first day by whose end the cumulative hazard exceeds the budget.
      const auto& hazard = model_.cumulative_departure_hazard(o);
      const double budget = dist::exponential(d);
      // Most people never leave: their budget is beyond the whole run's hazard (the last entry,
      // the largest), and they need no search.
      if (!(budget < hazard.back())) {
        agents_.pending[a] = static_cast<std::uint8_t>(Pending::none);
        agents_.event_day[a] = kForever;
        continue;
      }
      const auto it = std::upper_bound(hazard.begin() + 1, hazard.end(), budget);
      const auto day = static_cast<std::int32_t>(it - hazard.begin() - 1);
      agents_.pending[a] = static_cast<std::uint8_t>(Pending::first_departure);
      agents_.event_day[a] = day;
      out.due.emplace_back(day, a);
    }
  };
  if (options_.agent_parallel) {
    detail::parallel_for(std::size_t{0}, blocks, create);
  } else {
    for (std::size_t b = 0; b < blocks; ++b) create(b);
  }

  Tally initial = recorder_.tally(0);
  std::int64_t women = 0;
  for (Created& block : created) {
    women += block.women;
    for (const auto& [day, a] : block.due) due_[static_cast<std::size_t>(day)].push_back(a);
    std::vector<std::pair<std::int32_t, AgentId>>().swap(block.due);
  }
  initial.stock(State::at_home, Sex::female, women);
  initial.stock(State::at_home, Sex::male, static_cast<std::int64_t>(total) - women);
  for (std::size_t i = 0; i < origins.size(); ++i) {
    initial.occupy(origins[i], static_cast<std::int64_t>(model_.population(i)));
  }
}

Simulation::~Simulation() = default;

bool Simulation::step() {
  if (finished()) return false;
  timeline_phase();
  collect_due();
  departure_phase();
  movement_phase();
  patrol_phase();
  broker_phase();
  repatriation_phase();
  arrival_phase();
  record_phase();
  ++day_;
  return !finished();
}

bool Simulation::run(const std::atomic<bool>* stop) {
  while (!finished()) {
    if (stop && stop->load(std::memory_order_relaxed)) return false;
    step();
  }
  return true;
}

ReplicateResult Simulation::take_result() {
  return recorder_.take();
}

// --- phases --------------------------------------------------------------------------------------

void Simulation::timeline_phase() {
  if (day_ == 0 || model_.period_start_days()[model_.period_of(day_)] == day_) {
    tally_ = recorder_.tally(model_.period_of(day_));
  }
  if (day_ >= next_refresh_) {
    // Something in the timeline may change today: re-read only the values whose series does.
    for (TodaySlot& slot : today_slots_) {
      if (slot.next > day_) continue;
      *slot.value = slot.series->at(day_);
      slot.next = slot.series->constant_until(day_);
    }
    plan_ = &network_.plan_for(day_);
    route_choices_.use(*plan_, today(Param::route_choice_temperature));
    next_refresh_ = model_.timeline().next_change_after(day_);
  }
  if (day_ + 1 >= next_segment_day_) {
    // Tomorrow enters a new detection segment on some route: move those routes on.
    const std::int32_t tomorrow = day_ + 1;
    next_segment_day_ = kForever;
    for (std::uint32_t r = 0; r < route_segment_.size(); ++r) {
      if (route_next_segment_[r] <= tomorrow) {
        const auto segments = network_.detection_segments(r);
        std::size_t& at = route_segment_[r];
        while (at + 1 < segments.size() && segments[at + 1].begin <= tomorrow) ++at;
        route_next_segment_[r] = at + 1 < segments.size() ? segments[at + 1].begin : kForever;
      }
      next_segment_day_ = std::min(next_segment_day_, route_next_segment_[r]);
    }
  }
  if (model_.is_month_start(day_)) {
    std::fill(broker_used_this_month_.begin(), broker_used_this_month_.end(), 0);
  }
}

void Simulation::collect_due() {
  leaving_home_.clear();
  movement_.clear();
  patrol_.clear();
  repatriation_.clear();
  reattempt_.clear();
  auto& bucket = due_[static_cast<std::size_t>(day_)];
  // Sorting by id makes the lists independent of the order in which blocks scheduled them. A
  // bucket is a concatenation of runs in id order, one per phase and day that scheduled into it,
  // and usually the first run holds nearly everyone: so sort only what follows the first descent
  // and merge the two parts, through a buffer that is kept from day to day.
  const auto descent = std::adjacent_find(bucket.begin(), bucket.end(), std::greater_equal<>());
  if (descent != bucket.end()) {
    const auto tail = descent + 1;
    std::sort(tail, bucket.end());
    merged_.resize(bucket.size());
    std::merge(bucket.begin(), tail, tail, bucket.end(), merged_.begin());
    merged_.erase(std::unique(merged_.begin(), merged_.end()), merged_.end());
    bucket.swap(merged_);
  }
  for (const AgentId a : bucket) {
    if (agents_.event_day[a] != day_) continue;  // rescheduled since (a mass return)
    switch (static_cast<Pending>(agents_.pending[a])) {
      case Pending::hop_end:
      case Pending::hiding_move_on:
        movement_.push_back(a);
        break;
      case Pending::caught:
      case Pending::hiding_arrest:
        patrol_.push_back(a);
        break;
      case Pending::detention_end:
      case Pending::punishment_end:
      case Pending::custody_death:
        repatriation_.push_back(a);
        break;
      case Pending::reattempt:
        reattempt_.push_back(a);
        break;
      case Pending::first_departure:
        leaving_home_.push_back(a);
        break;
      case Pending::none:
        break;
    }
  }
  // The day is over for this bucket: keep its memory for a bucket that fills later (a few, so
  // that memory stays bounded), instead of growing every bucket from nothing by reallocation.
  bucket.clear();
  if (spare_buckets_.size() < kSpareBuckets) spare_buckets_.push_back(std::move(bucket));
  LargeVector<AgentId>().swap(bucket);
}

void Simulation::departure_phase() {
  departing_.clear();
  auto& sponsored = sponsorships_[static_cast<std::size_t>(day_)];
  std::sort(sponsored.begin(), sponsored.end(), [](const Sponsorship& x, const Sponsorship& y) {
    return x.origin != y.origin ? x.origin < y.origin : x.parent < y.parent;
  });
  const auto& origins = model_.origins();
  std::size_t next_sponsored = 0;
  // Ids in the fixed order (day, origin, parent id, index): first departures of an origin have
  // no parent and come before the sponsored ones.
  for (std::size_t i = 0; i < origins.size(); ++i) {
    const std::uint32_t origin = origins[i];
    const double push = departure_push_today_[i];
    auto count_draws = draws(rng::kPlaceEntity | origin, rng::Purpose::departure_count);
    // In whole-population mode first departures come from the people at home instead.
    const std::int64_t n =
        model_.whole_population()
            ? 0
            : rules::departures(rules::departure_mean(today(Param::departure_rate_per_day),
                                                      model_.origin_shares()[i], push),
                                count_draws);
    for (std::int64_t k = 0; k < n; ++k) {
      auto person_draws = draws(agents_.size(), rng::Purpose::new_agent);
      const auto person = rules::draw_person(today(Param::departure_female_share),
                                             today(Param::departure_funds_usd_mean),
                                             model_.goal_weights(), person_draws);
      departing_.push_back(agents_.add(static_cast<std::uint16_t>(origin),
                                       person.female ? agent_flag::female : 0, person.goal,
                                       person.funds_usd, day_));
    }
    for (; next_sponsored < sponsored.size() && sponsored[next_sponsored].origin == origin;
         ++next_sponsored) {
      const auto& s = sponsored[next_sponsored];
      auto person_draws = draws(agents_.size(), rng::Purpose::new_agent);
      const auto person =
          rules::draw_sponsored_person(today(Param::departure_female_share),
                                       today(Param::family_remittance_usd), s.goal, person_draws);
      const auto flags = static_cast<std::uint8_t>((person.female ? agent_flag::female : 0) |
                                                   agent_flag::sponsored);
      departing_.push_back(agents_.add(s.origin, flags, person.goal, person.funds_usd, day_));
    }
  }
  std::vector<Sponsorship>().swap(sponsored);
  for (const AgentId a : departing_) {
    tally_.stock(State::travelling, agents_.sex(a), +1);
    tally_.occupy(agents_.location[a], +1);
  }

  for_blocks(departing_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::departure, [&](AgentId a, rng::Draws& d) {
      const Sex sex = agents_.sex(a);
      const std::uint32_t origin = agents_.origin[a];
      out.tally.event(Event::departed, sex, origin);
      out.tally.event(Event::first_departure, sex, origin);
      if (agents_.has(a, agent_flag::sponsored))
        out.tally.event(Event::sponsored_departure, sex, origin);
      continue_journey(a, d, out, true);
    });
  });
  for_blocks(leaving_home_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::departure, [&](AgentId a, rng::Draws& d) {
      const Sex sex = agents_.sex(a);
      const std::uint32_t origin = agents_.origin[a];
      agents_.attempts[a] = 1;
      agents_.first_departure_day[a] = day_;
      out.tally.event(Event::departed, sex, origin);
      out.tally.event(Event::first_departure, sex, origin);
      set_state(a, State::travelling, origin, out);
      continue_journey(a, d, out, true);
    });
  });
  for_blocks(reattempt_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::departure, [&](AgentId a, rng::Draws& d) {
      ++agents_.attempts[a];
      agents_.flags[a] &=
          static_cast<std::uint8_t>(~(agent_flag::has_hidden | agent_flag::trafficked));
      out.tally.event(Event::departed, agents_.sex(a), agents_.origin[a]);
      set_state(a, State::travelling, agents_.origin[a], out);
      continue_journey(a, d, out, true);
    });
  });
}

void Simulation::movement_phase() {
  for_blocks(movement_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::movement, [&](AgentId a, rng::Draws& d) {
      if (static_cast<Pending>(agents_.pending[a]) == Pending::hop_end) {
        reach_place(a, d, out);
      } else {  // hiding_move_on
        set_state(a, State::travelling, agents_.location[a], out);
        continue_journey(a, d, out, true);
      }
    });
  });
}

void Simulation::patrol_phase() {
  for_blocks(patrol_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::patrol, [&](AgentId a, rng::Draws& d) { arrest(a, d, out); });
  });
}

void Simulation::broker_phase() {
  if (requests_.empty()) return;
  std::vector<std::int64_t>& remaining = broker_remaining_;  // reused: no allocation per day
  remaining.assign(scenario_.places.size(), 0);
  for (const auto& r : requests_) {
    const double capacity = broker_capacity_today_[r.hub];
    remaining[r.hub] = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(capacity) - broker_used_this_month_[r.hub]);
  }
  rules::grant_requests(requests_, remaining, granted_);
  BlockOutput& out = *serial_;
  out.tally = tally_;
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    const AgentId a = requests_[i].agent;
    const std::uint32_t hub = requests_[i].hub;
    const Sex sex = agents_.sex(a);
    auto d = draws(a, rng::Purpose::broker);
    if (!granted_[i]) {
      out.tally.event(Event::broker_refused, sex, hub);
      if (model_.is_home(hub)) {
        continue_journey(a, d, out, false);
      } else {
        start_hiding(a, d, out);
      }
      continue;
    }
    ++broker_used_this_month_[hub];
    out.tally.event(Event::broker_hired, sex, hub);
    agents_.funds_usd[a] =
        std::max(0.0F, agents_.funds_usd[a] - static_cast<float>(today(Param::broker_fee_usd)));
    switch (rules::draw_contract(today(Param::broker_betrayal_probability),
                                 today(Param::broker_trafficking_share), d)) {
      case rules::Contract::honest:
        agents_.flags[a] |= agent_flag::broker_client;
        continue_journey(a, d, out, false);
        break;
      case rules::Contract::trafficked:
        out.tally.event(Event::betrayed, sex, hub);
        agents_.flags[a] |= agent_flag::trafficked;
        start_hiding(a, d, out);
        break;
      case rules::Contract::reported:
        out.tally.event(Event::betrayed, sex, hub);
        arrest(a, d, out);
        break;
    }
  }
  requests_.clear();
  merge(out);
}

void Simulation::repatriation_phase() {
  for_blocks(repatriation_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::repatriation, [&](AgentId a, rng::Draws& d) {
      switch (static_cast<Pending>(agents_.pending[a])) {
        case Pending::detention_end:
          repatriate(a, false, d, out);
          break;
        case Pending::punishment_end:
          release(a, d, out);
          break;
        default:  // custody_death
          die(a, out);
          break;
      }
    });
  });
  // Mass returns: rare days, so a scan of all agents is affordable.
  const auto& days = model_.timeline().mass_return_days();
  while (mass_return_cursor_ < days.size() && days[mass_return_cursor_].first < day_)
    ++mass_return_cursor_;
  for (std::uint64_t nth_today = 0;
       mass_return_cursor_ < days.size() && days[mass_return_cursor_].first == day_;
       ++mass_return_cursor_, ++nth_today) {
    const MassReturn& event = scenario_.mass_returns[days[mass_return_cursor_].second];
    BlockOutput& out = *serial_;
    out.tally = tally_;
    for (AgentId a = 0; a < agents_.size(); ++a) {
      if (agents_.state_of(a) != State::detained) continue;
      if (scenario_.places[agents_.location[a]].country != event.country) continue;
      auto d = draws(a, rng::Purpose::mass_return);
      // A second mass return on the same day starts from a fresh block of the stream, so that
      // being left behind by the first says nothing about the second.
      for (std::uint64_t skip = 0; skip < 4 * nth_today; ++skip) (void)d.next();
      if (!dist::bernoulli(d, event.share)) continue;
      repatriate(a, true, d, out);
    }
    merge(out);
  }
}

void Simulation::arrival_phase() {
  std::sort(arrivals_.begin(), arrivals_.end());
  for_blocks(arrivals_, [this](std::span<const AgentId> agents, BlockOutput& out) {
    with_draws(agents, rng::Purpose::arrival, [&](AgentId a, rng::Draws& d) { arrive(a, d, out); });
  });
  arrivals_.clear();
}

void Simulation::record_phase() {
  if (model_.is_period_end(day_)) recorder_.snapshot(model_.period_of(day_));
}

template <class Fn>
void Simulation::with_draws(std::span<const AgentId> agents, rng::Purpose purpose, Fn&& fn) {
  // Nearly every agent handled draws at least once (a death in custody is the exception, and
  // costs one block that no one reads): compute the first blocks a few agents ahead, side by
  // side (rng::first_blocks), then hand each agent its stream.
  constexpr std::size_t kAhead = 8;
  std::array<rng::Block, kAhead> first;
  for (std::size_t begin = 0; begin < agents.size(); begin += kAhead) {
    const std::size_t n = std::min(kAhead, agents.size() - begin);
    rng::first_blocks(key_, agents.data() + begin, n, day_, purpose, first.data());
    for (std::size_t i = 0; i < n; ++i) {
      const AgentId a = agents[begin + i];
      rng::Draws d(key_, a, day_, purpose, first[i]);
      fn(a, d);
    }
  }
}

// --- blocks --------------------------------------------------------------------------------------

template <class Fn>
void Simulation::for_blocks(std::span<const AgentId> agents, Fn&& fn) {
  if (agents.empty()) return;
  const std::size_t size = options_.block_size;
  if (!options_.agent_parallel || agents.size() <= size) {
    BlockOutput& out = *serial_;
    out.tally = tally_;
    fn(agents, out);
    merge(out);
    return;
  }
  // Blocks of a fixed size, whatever the thread count, merged in block order.
  const std::size_t count = (agents.size() + size - 1) / size;
  const CounterShape shape = recorder_.shape();
  while (blocks_.size() < count) {
    auto block = std::make_unique<BlockOutput>();
    block->scratch = std::make_unique<TallyScratch>(shape);
    block->tally = block->scratch->tally();
    blocks_.push_back(std::move(block));
  }
  detail::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1),
                       [&](const tbb::blocked_range<std::size_t>& range) {
                         for (std::size_t b = range.begin(); b != range.end(); ++b) {
                           const std::size_t first = b * size;
                           fn(agents.subspan(first, std::min(size, agents.size() - first)),
                              *blocks_[b]);
                         }
                       });
  for (std::size_t b = 0; b < count; ++b) {
    blocks_[b]->scratch->drain_into(tally_, shape);
    merge(*blocks_[b]);
  }
}

void Simulation::merge(BlockOutput& out) {
  for (const auto& [day, a] : out.schedule) due(day, a);
  for (const auto& [day, s] : out.sponsorships)
    sponsorships_[static_cast<std::size_t>(day)].push_back(s);
  requests_.insert(requests_.end(), out.broker_requests.begin(), out.broker_requests.end());
  arrivals_.insert(arrivals_.end(), out.arrivals.begin(), out.arrivals.end());
  out.schedule.clear();
  out.sponsorships.clear();
  out.broker_requests.clear();
  out.arrivals.clear();
}

void Simulation::due(std::int32_t day, AgentId a) {
  auto& bucket = due_[static_cast<std::size_t>(day)];
  if (bucket.capacity() == 0 && !spare_buckets_.empty()) {
    bucket.swap(spare_buckets_.back());
    spare_buckets_.pop_back();
  }
  bucket.push_back(a);
}

// --- one agent -----------------------------------------------------------------------------------

void Simulation::schedule(AgentId a, std::int32_t day, Pending what, BlockOutput& out) {
  agents_.pending[a] = static_cast<std::uint8_t>(day == kForever ? Pending::none : what);
  agents_.event_day[a] = day;
  if (day == kForever) return;
  if (out.direct) {
    due(day, a);
  } else {
    out.schedule.emplace_back(day, a);
  }
}

void Simulation::set_state(AgentId a, State state, std::uint32_t location, BlockOutput& out) {
  const Sex sex = agents_.sex(a);
  const State old = agents_.state_of(a);
  out.tally.stock(old, sex, -1);
  out.tally.stock(state, sex, +1);
  // The dead are in no place; everyone else is somewhere (docs/model.md, "Occupancy").
  if (old != State::dead) out.tally.occupy(agents_.location[a], -1);
  if (state != State::dead) out.tally.occupy(location, +1);
  agents_.state[a] = static_cast<std::uint8_t>(state);
  agents_.location[a] = static_cast<std::uint16_t>(location);
}

void Simulation::continue_journey(AgentId a, rng::Draws& d, BlockOutput& out, bool may_ask_broker) {
  const std::uint32_t place = agents_.location[a];
  const bool client = agents_.has(a, agent_flag::broker_client);
  const bool can_pay = static_cast<double>(agents_.funds_usd[a]) >= today(Param::broker_fee_usd);
  View view = client ? View::brokered : can_pay ? View::seeking_broker : View::unaided;
  if (view == View::seeking_broker) {
    const double capacity = broker_capacity_today_[place];
    if (!may_ask_broker) {
      view = View::unaided;  // refused or declined here: go on alone
    } else if (capacity >= 1.0) {
      if (rules::wants_broker(agents_.funds_usd[a], today(Param::broker_fee_usd),
                              agents_.has(a, agent_flag::sponsored),
                              today(Param::broker_hire_probability), d)) {
        auto priority = draws(a, rng::Purpose::broker_priority);
        out.broker_requests.push_back({place, priority.next(), a});
        return;
      }
      view = View::unaided;
    }
  }
  // Agent-parallel blocks run side by side, so only the serial block uses the cache.
  const auto route =
      out.direct && route_choices_.enabled()
          ? route_choices_.choose(place, agents_.goal[a], view, d)
          : rules::choose_route(network_, *plan_, scenario_.routes.size(), place, agents_.goal[a],
                                view, today(Param::route_choice_temperature), d);
  if (route) {
    start_hop(a, *route, d, out);
  } else if (model_.is_home(place)) {
    stay_home(a, d, out);
  } else {
    start_hiding(a, d, out);
  }
}

void Simulation::start_hop(AgentId a, std::uint32_t route_index, rng::Draws& d, BlockOutput& out) {
  const Route& route = scenario_.routes[route_index];
  const bool client = agents_.has(a, agent_flag::broker_client);
  float& funds = agents_.funds_usd[a];
  bool bribed = false;
  if (model_.is_home(route.from) && !model_.is_home(route.to) &&
      static_cast<double>(funds) >= today(Param::crossing_bribe_usd)) {
    bribed = true;
    funds -= static_cast<float>(today(Param::crossing_bribe_usd));
  }
  if (!client) funds = std::max(0.0F, funds - static_cast<float>(route.cost_usd));
  const double factor = rules::hazard_factor(client, today(Param::broker_protection), bribed,
                                             today(Param::crossing_bribe_factor));
  const auto hop = rules::plan_hop(
      day_, route.travel_days, route.travel_spread_days,
      rules::RouteHazard(network_, route_index, factor, day_ + 1, route_segment_[route_index]),
      last_day_, d);
  agents_.route[a] = route_index;
  schedule(a, hop.end_day, hop.caught ? Pending::caught : Pending::hop_end, out);
}

void Simulation::reach_place(AgentId a, rng::Draws& d, BlockOutput& out) {
  const std::uint32_t route_index = agents_.route[a];
  const Route& route = scenario_.routes[route_index];
  const Sex sex = agents_.sex(a);
  out.tally.traversed(route_index);
  set_state(a, State::travelling, route.to, out);
  if (model_.is_home(route.from) && !model_.is_home(route.to)) {
    out.tally.event(Event::crossed_border, sex, route.to);
  }
  const Place& place = scenario_.places[route.to];
  if (place.kind == PlaceKind::destination) {
    out.arrivals.push_back(a);
    return;
  }
  if (place.kind == PlaceKind::transit && !agents_.has(a, agent_flag::broker_client) &&
      !agents_.has(a, agent_flag::has_hidden) &&
      rules::decides_to_hide(sex == Sex::female, today(Param::hiding_probability_female),
                             today(Param::hiding_probability_male), d)) {
    start_hiding(a, d, out);
    return;
  }
  continue_journey(a, d, out, true);
}

void Simulation::start_hiding(AgentId a, rng::Draws& d, BlockOutput& out) {
  const std::uint32_t place = agents_.location[a];
  out.tally.event(Event::started_hiding, agents_.sex(a), place);
  agents_.flags[a] |= agent_flag::has_hidden;
  set_state(a, State::hiding, place, out);
  const auto [arrest, sweep] = model_.arrest_hazard(place);
  const HazardMix hazards{arrest, sweep, &model_.move_on_hazard(),
                          agents_.has(a, agent_flag::trafficked)
                              ? today(Param::hiding_trafficked_move_on_factor)
                              : 1.0};
  const auto end = rules::plan_hiding(day_, last_day_, hazards, d);
  if (end.day != kForever) {
    agents_.funds_usd[a] = rules::funds_after_hiding(
        agents_.funds_usd[a], today(Param::hiding_savings_usd_per_day), end.day - day_);
  }
  schedule(a, end.day, end.arrested ? Pending::hiding_arrest : Pending::hiding_move_on, out);
}

void Simulation::arrest(AgentId a, rng::Draws& d, BlockOutput& out) {
  const std::uint32_t place_index = agents_.location[a];
  const Place& place = scenario_.places[place_index];
  const Sex sex = agents_.sex(a);
  agents_.flags[a] &= static_cast<std::uint8_t>(~agent_flag::broker_client);
  if (model_.is_home(place_index)) {
    // Caught on the home side: punished without having left.
    out.tally.event(Event::caught_at_border, sex, place_index);
    if (dist::bernoulli(d, today(Param::crossing_lethal_share))) {
      die(a, out);
    } else {
      set_state(a, State::imprisoned, agents_.origin[a], out);
      punish(a, d, out);
    }
    return;
  }
  if (place.kind == PlaceKind::third_country) {
    out.tally.event(Event::arrested_in_third_country, sex, place_index);
    if (place.pass_on_to >= 0 && dist::bernoulli(d, place.pass_on_probability)) {
      out.tally.event(Event::passed_on, sex, place_index);
      set_state(a, State::travelling, static_cast<std::uint32_t>(place.pass_on_to), out);
      schedule(a, kForever, Pending::none, out);
      out.arrivals.push_back(a);
      return;
    }
    if (place.sends_back_to >= 0) {
      set_state(a, agents_.state_of(a), static_cast<std::uint32_t>(place.sends_back_to), out);
    }
  } else {
    out.tally.event(Event::arrested_in_transit, sex, place_index);
  }
  detain(a, d, out);
}

void Simulation::detain(AgentId a, rng::Draws& d, BlockOutput& out) {
  set_state(a, State::detained, agents_.location[a], out);
  const auto end = rules::plan_detention(day_, last_day_, model_.return_hazard(), d);
  schedule(a, end, Pending::detention_end, out);
}

void Simulation::repatriate(AgentId a, bool mass, rng::Draws& d, BlockOutput& out) {
  const Sex sex = agents_.sex(a);
  out.tally.event(Event::repatriated, sex, agents_.location[a]);
  if (mass) out.tally.event(Event::mass_returned, sex, agents_.location[a]);
  set_state(a, State::imprisoned, agents_.origin[a], out);
  punish(a, d, out);
}

void Simulation::punish(AgentId a, rng::Draws& d, BlockOutput& out) {
  const auto p = rules::plan_punishment(day_, last_day_, today(Param::punishment_camp_probability),
                                        today(Param::punishment_death_probability),
                                        model_.release_hazard(), d);
  schedule(a, p.end_day,
           p.sentence == rules::Sentence::death ? Pending::custody_death : Pending::punishment_end,
           out);
}

void Simulation::release(AgentId a, rng::Draws& d, BlockOutput& out) {
  out.tally.event(Event::released, agents_.sex(a), agents_.origin[a]);
  stay_home(a, d, out);
}

void Simulation::stay_home(AgentId a, rng::Draws& d, BlockOutput& out) {
  set_state(a, State::back_home, agents_.origin[a], out);
  const auto again = rules::plan_reattempt(day_, last_day_, today(Param::reattempt_probability),
                                           model_.reattempt_hazard(), d);
  schedule(a, again, Pending::reattempt, out);
}

void Simulation::arrive(AgentId a, rng::Draws& d, BlockOutput& out) {
  const std::uint32_t place = agents_.location[a];
  const Sex sex = agents_.sex(a);
  const auto goal = static_cast<std::size_t>(model_.goal_of_place(place));
  out.tally.event(Event::arrived, sex, place);
  out.tally.arrival(goal, sex, rules::years_abroad(agents_.first_departure_day[a], day_));
  set_state(a, State::arrived, place, out);
  agents_.flags[a] &= static_cast<std::uint8_t>(~agent_flag::broker_client);
  schedule(a, kForever, Pending::none, out);
  const auto day =
      rules::plan_sponsorship(day_, last_day_, today(Param::family_sponsor_probability),
                              today(Param::family_delay_days_mean), d);
  if (day != kForever) {
    out.sponsorships.emplace_back(
        day, Sponsorship{agents_.origin[a], static_cast<std::uint8_t>(goal), a});
  }
}

void Simulation::die(AgentId a, BlockOutput& out) {
  out.tally.event(Event::died, agents_.sex(a), agents_.location[a]);
  set_state(a, State::dead, agents_.location[a], out);
  schedule(a, kForever, Pending::none, out);
}

}  // namespace tumen
