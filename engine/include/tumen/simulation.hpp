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
  std::array<double, kParamCount> today_{};
  const RoutePlan* plan_ = nullptr;

  std::vector<std::vector<AgentId>> due_;               // [day]: agents with an event then
  std::vector<std::vector<Sponsorship>> sponsorships_;  // [day]: relatives leaving then
  std::vector<std::int64_t> broker_used_this_month_;    // [place]

  // Work lists of the current day, reused to avoid allocating.
  std::vector<AgentId> departing_, leaving_home_, movement_, patrol_, repatriation_, reattempt_,
      arrivals_;
  std::vector<rules::BrokerRequest> requests_;
  std::vector<char> granted_;

  std::unique_ptr<BlockOutput> serial_;
  std::vector<std::unique_ptr<BlockOutput>> blocks_;
};

}  // namespace tumen
