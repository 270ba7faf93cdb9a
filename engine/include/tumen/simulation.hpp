#pragma once
// One replicate: the mutable state of a run of a Model with one (seed, replicate). Each day runs
// named phases in a fixed order:
//
//   timeline -> departure -> movement -> patrol -> broker -> repatriation -> arrival -> record
//
// Only agents with an event due today are touched: waiting and travel are scheduled (hazard.hpp),
// so a day costs nothing for the agents who wait. Within a phase, agents are independent: each
// draws from its own stream (agent id, day, purpose), so a phase can run as one serial block or
// as many parallel blocks with the same result. Shared resources (broker capacity) are allocated
// in their own phase, in random priority order.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tumen/agents.hpp"
#include "tumen/model.hpp"
#include "tumen/recorder.hpp"
#include "tumen/rng.hpp"
#include "tumen/route_choice_cache.hpp"
#include "tumen/rules/broker.hpp"

namespace tumen {

struct SimulationOptions {
  // Split each phase into blocks of agents run on oneTBB threads. Results are identical either
  // way; this pays off only for very large single replicates.
  bool agent_parallel = false;
  std::size_t block_size = 4096;
};

class Simulation {
 public:
  Simulation(const Model& model, std::uint64_t seed, std::uint64_t replicate,
             SimulationOptions options = {});
  // With an explicit key: (seed, stream) of a stream outside the plain runs' replicate streams,
  // such as a calibration proposal's (calibration/proposal_stream.hpp). The model consumes it
  // exactly as it consumes a replicate stream.
  Simulation(const Model& model, rng::Key key, SimulationOptions options = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs one day. Returns false once every day has run.
  bool step();
  // Runs to the end, or until *stop becomes true (checked between days). Returns true when the
  // replicate finished.
  bool run(const std::atomic<bool>* stop = nullptr);

  [[nodiscard]] std::int32_t day() const { return day_; }
  [[nodiscard]] bool finished() const { return day_ >= model_.day_count(); }
  [[nodiscard]] const Agents& agents() const { return agents_; }
  [[nodiscard]] const Recorder& recorder() const { return recorder_; }
  [[nodiscard]] ReplicateResult take_result();

 private:
  struct Sponsorship {
    std::uint16_t origin;
    std::uint8_t goal;
    AgentId parent;
  };
  struct BlockOutput;

  void create_population();

  // phases
  void timeline_phase();
  void collect_due();
  void departure_phase();
  void movement_phase();
  void patrol_phase();
  void broker_phase();
  void repatriation_phase();
  void arrival_phase();
  void record_phase();

  template <class Fn>
  void for_blocks(std::span<const AgentId> agents, Fn&& fn);
  void merge(BlockOutput& out);
  // Calls fn(agent, draws) for each agent, with the agent's stream of `purpose` for today.
  template <class Fn>
  void with_draws(std::span<const AgentId> agents, rng::Purpose purpose, Fn&& fn);

  // what happens to one agent
  void continue_journey(AgentId a, rng::Draws& draws, BlockOutput& out, bool may_ask_broker);
  void start_hop(AgentId a, std::uint32_t route, rng::Draws& draws, BlockOutput& out);
  void reach_place(AgentId a, rng::Draws& draws, BlockOutput& out);
  void start_hiding(AgentId a, rng::Draws& draws, BlockOutput& out);
  void arrest(AgentId a, rng::Draws& draws, BlockOutput& out);
  void detain(AgentId a, rng::Draws& draws, BlockOutput& out);
  void repatriate(AgentId a, bool mass, rng::Draws& draws, BlockOutput& out);
  void punish(AgentId a, rng::Draws& draws, BlockOutput& out);
  void release(AgentId a, rng::Draws& draws, BlockOutput& out);
  void stay_home(AgentId a, rng::Draws& draws, BlockOutput& out);
  void arrive(AgentId a, rng::Draws& draws, BlockOutput& out);
  void die(AgentId a, BlockOutput& out);
  void set_state(AgentId a, State state, std::uint32_t location, BlockOutput& out);
  void schedule(AgentId a, std::int32_t day, Pending what, BlockOutput& out);
  void due(std::int32_t day, AgentId a);  // appends to the due list of `day`

  [[nodiscard]] double today(Param p) const { return today_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] rng::Draws draws(std::uint64_t entity, rng::Purpose purpose) const {
    return rng::Draws(key_, entity, day_, purpose);
  }

  const Model& model_;
  const Scenario& scenario_;
  const Network& network_;
  SimulationOptions options_;
  rng::Key key_;
  std::int32_t day_ = 0;
  std::int32_t last_day_ = 0;
  std::int32_t next_refresh_ = 0;
  std::size_t mass_return_cursor_ = 0;

  Agents agents_;
  Recorder recorder_;
  Tally tally_;  // today's period
  // Today's values of the global parameters, and of the place parameters read on the hot path:
  // a Series lookup is a binary search, so each value is re-read only on the days its series
  // changes (today_slots_; next_refresh_ is the next day on which any series may change).
  std::array<double, kParamCount> today_{};
  std::vector<double> broker_capacity_today_;  // [place]
  std::vector<double> departure_push_today_;   // [origin index]
  struct TodaySlot {
    const Series* series;
    double* value;          // into today_ or the vectors above, sized once
    std::int32_t next = 0;  // the first day on which the value may differ
  };
  std::vector<TodaySlot> today_slots_;
  const RoutePlan* plan_ = nullptr;
  RouteChoiceCache route_choices_;  // for plan_ and today's temperature; serial block only
  // For each route, the detection segment that holds tomorrow, the first day of a hop planned
  // today; moved on in timeline_phase once tomorrow reaches next_segment_day_.
  std::vector<std::size_t> route_segment_;
  std::vector<std::int32_t> route_next_segment_;  // [route]: the begin of the segment after
  std::int32_t next_segment_day_ = 0;

  std::vector<LargeVector<AgentId>> due_;  // [day]: agents with an event then
  static constexpr std::size_t kSpareBuckets = 8;
  std::vector<LargeVector<AgentId>> spare_buckets_;     // emptied due lists, for reuse
  std::vector<std::vector<Sponsorship>> sponsorships_;  // [day]: relatives leaving then
  std::vector<std::int64_t> broker_used_this_month_;    // [place]

  // Work lists of the current day, reused to avoid allocating.
  LargeVector<AgentId> departing_, leaving_home_, movement_, patrol_, repatriation_, reattempt_,
      arrivals_;
  std::vector<rules::BrokerRequest> requests_;
  std::vector<char> granted_;
  std::vector<std::int64_t> broker_remaining_;  // [place]
  LargeVector<AgentId> merged_;                 // collect_due's buffer

  std::unique_ptr<BlockOutput> serial_;
  std::vector<std::unique_ptr<BlockOutput>> blocks_;
};

}  // namespace tumen
