#pragma once
// People, stored as a structure of arrays. The hot fields, read or written whenever an agent is
// handled, take 20 bytes an agent; the cold ones are read only on arrival. Agent ids are indices
// and are handed out in a fixed order (day, origin, parent id, index), never from a shared counter.
#include <cstdint>
#include <limits>
#include <vector>

#include "tumen/large_array.hpp"
#include "tumen/vocabulary.hpp"

namespace tumen {

// What happens to an agent on its event_day.
enum class Pending : std::uint8_t {
  none,             // nothing scheduled (final state, political camp, or no re-attempt)
  hop_end,          // reaches the end of the route it travels
  caught,           // detected while travelling the route
  hiding_arrest,    // arrested while hiding
  hiding_move_on,   // leaves the hiding place to travel on
  detention_end,    // returned from detention to North Korea
  punishment_end,   // released from punishment
  custody_death,    // dies in custody
  reattempt,        // sets out again from home
  first_departure,  // leaves home for the first time (whole-population mode)
};

namespace agent_flag {
inline constexpr std::uint8_t female = 1;
inline constexpr std::uint8_t broker_client = 2;  // under a broker contract
inline constexpr std::uint8_t sponsored = 4;      // family abroad pays
inline constexpr std::uint8_t trafficked = 8;     // sold by a broker; moves on less
inline constexpr std::uint8_t has_hidden = 16;    // hid already on this attempt: moves on now
}  // namespace agent_flag

using AgentId = std::uint32_t;

struct Agents {
  // hot
  LargeVector<std::uint8_t> state;
  LargeVector<std::uint8_t> flags;
  LargeVector<std::uint8_t> pending;
  LargeVector<std::uint8_t> goal;  // index into Network::destinations()
  LargeVector<std::uint16_t> location;
  LargeVector<std::uint16_t> attempts;
  LargeVector<std::int32_t> event_day;
  LargeVector<std::uint32_t> route;  // the route being travelled
  LargeVector<float> funds_usd;
  // cold
  LargeVector<std::uint16_t> origin;
  LargeVector<std::int32_t> first_departure_day;

  [[nodiscard]] std::size_t size() const { return state.size(); }
  void reserve(std::size_t n) {
    for (auto* v : {&state, &flags, &pending, &goal}) v->reserve(n);
    location.reserve(n);
    attempts.reserve(n);
    event_day.reserve(n);
    route.reserve(n);
    funds_usd.reserve(n);
    origin.reserve(n);
    first_departure_day.reserve(n);
  }

  // Grows to n agents whose fields the caller then sets, each thread its own range of ids
  // (whole-population mode creates everyone this way, in parallel blocks).
  void resize(std::size_t n) {
    for (auto* v : {&state, &flags, &pending, &goal}) v->resize(n);
    location.resize(n);
    attempts.resize(n);
    event_day.resize(n);
    route.resize(n);
    funds_usd.resize(n);
    origin.resize(n);
    first_departure_day.resize(n);
  }

  AgentId add(std::uint16_t origin_place, std::uint8_t agent_flags, std::uint8_t goal_index,
              float funds, std::int32_t day, State initial = State::travelling) {
    const auto id = static_cast<AgentId>(state.size());
    state.push_back(static_cast<std::uint8_t>(initial));
    flags.push_back(agent_flags);
    pending.push_back(static_cast<std::uint8_t>(Pending::none));
    goal.push_back(goal_index);
    location.push_back(origin_place);
    attempts.push_back(1);
    event_day.push_back(std::numeric_limits<std::int32_t>::max());
    route.push_back(0);
    funds_usd.push_back(funds);
    origin.push_back(origin_place);
    first_departure_day.push_back(day);
    return id;
  }

  [[nodiscard]] bool has(AgentId a, std::uint8_t flag) const { return (flags[a] & flag) != 0; }
  [[nodiscard]] Sex sex(AgentId a) const {
    return has(a, agent_flag::female) ? Sex::female : Sex::male;
  }
  [[nodiscard]] State state_of(AgentId a) const { return static_cast<State>(state[a]); }
};

}  // namespace tumen
