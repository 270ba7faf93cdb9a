#pragma once
// Integer counters per output period. Rules report through a Tally; in a serial step the Tally
// points straight into the Recorder's current period, in an agent-parallel step each block has
// its own zeroed scratch that is added in afterwards. Counts are integers, so the sum does not
// depend on the order of blocks.
#include <cstdint>
#include <vector>

#include "tumen/replicate_result.hpp"
#include "tumen/vocabulary.hpp"

namespace tumen {

struct CounterShape {
  std::size_t periods = 0;
  std::size_t locations = 0;
  std::size_t destinations = 0;
  std::size_t routes = 0;
};

inline constexpr std::size_t kYearsAbroadBins = kYearsAbroadMax + 1;

// Where one step's counts go. Plain pointers: no allocation, no locking on the hot path.
struct Tally {
  std::int64_t* events = nullptr;                    // [event][sex]
  std::int64_t* location_events = nullptr;           // [location][event]
  std::int64_t* arrivals = nullptr;                  // [destination][sex]
  std::int64_t* arrivals_by_years_abroad = nullptr;  // [destination][years_abroad]
  std::int64_t* route_flow = nullptr;                // [route]
  std::int64_t* stocks_now = nullptr;                // [state][sex], running
  std::int64_t* occupancy_now = nullptr;             // [location], running

  void event(Event e, Sex s, std::uint32_t location) {
    ++events[static_cast<std::size_t>(e) * kSexCount + static_cast<std::size_t>(s)];
    ++location_events[location * kEventCount + static_cast<std::size_t>(e)];
  }
  void stock(State st, Sex s, std::int64_t delta) {
    stocks_now[static_cast<std::size_t>(st) * kSexCount + static_cast<std::size_t>(s)] += delta;
  }
  void occupy(std::uint32_t location, std::int64_t delta) { occupancy_now[location] += delta; }
  void arrival(std::size_t destination, Sex s, int years_abroad) {
    ++arrivals[destination * kSexCount + static_cast<std::size_t>(s)];
    ++arrivals_by_years_abroad[destination * kYearsAbroadBins +
                               static_cast<std::size_t>(years_abroad)];
  }
  void traversed(std::uint32_t route) { ++route_flow[route]; }
};

// Scratch counters for one block of an agent-parallel step.
class TallyScratch {
 public:
  explicit TallyScratch(const CounterShape& shape);
  [[nodiscard]] Tally tally() { return tally_; }
  // Adds everything into `target` and zeroes itself.
  void drain_into(const Tally& target, const CounterShape& shape);

 private:
  std::vector<std::int64_t> storage_;
  Tally tally_;
};

class Recorder {
 public:
  explicit Recorder(const CounterShape& shape);

  // The tally that writes into period `p`.
  [[nodiscard]] Tally tally(std::size_t period);
  // Copies the running stocks and occupancy into period `p`.
  void snapshot(std::size_t period);
  [[nodiscard]] const CounterShape& shape() const { return shape_; }
  [[nodiscard]] const std::vector<std::int64_t>& stocks_now() const { return stocks_now_; }
  [[nodiscard]] const std::vector<std::int64_t>& occupancy_now() const { return occupancy_now_; }
  [[nodiscard]] const ReplicateResult& result() const { return result_; }
  [[nodiscard]] ReplicateResult take() { return std::move(result_); }

 private:
  CounterShape shape_;
  ReplicateResult result_;
  std::vector<std::int64_t> stocks_now_;
  std::vector<std::int64_t> occupancy_now_;
};

}  // namespace tumen
