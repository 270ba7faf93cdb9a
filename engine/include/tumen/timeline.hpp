#pragma once
// Parameter values as functions of the day. Each (parameter, place or route) has a Series: a
// piecewise function built from the base value and the dated changes that apply to it. Waiting
// agents read future values from here to spend their hazard budgets; the daily step reads
// today's values from a cache refreshed only on days when something changes.
#include <cstdint>
#include <limits>
#include <vector>

#include "tumen/scenario.hpp"

namespace tumen {

inline constexpr std::int32_t kForever = std::numeric_limits<std::int32_t>::max();

class Series {
 public:
  explicit Series(double base = 0.0) {
    pieces_.push_back({std::numeric_limits<std::int32_t>::min(), 0, 0, base, base});
  }

  // A step to `value` on `from_day` (from == to), or a ramp reaching `value` on `to_day`.
  void apply(std::int32_t from_day, std::int32_t to_day, double value);

  [[nodiscard]] double at(std::int32_t day) const;
  // The first day after `day` on which the value may differ from at(day); kForever if none.
  [[nodiscard]] std::int32_t constant_until(std::int32_t day) const;
  [[nodiscard]] bool is_constant() const { return pieces_.size() == 1; }

 private:
  struct Piece {
    std::int32_t begin;  // first day of the piece
    std::int32_t ramp_from;
    std::int32_t ramp_to;  // ramp_to > ramp_from for a ramp, equal otherwise
    double from_value;
    double to_value;
  };
  [[nodiscard]] std::size_t piece_at(std::int32_t day) const;
  [[nodiscard]] static double value(const Piece& piece, std::int32_t day);
  std::vector<Piece> pieces_;
};

class Timeline {
 public:
  explicit Timeline(const Scenario& scenario);

  [[nodiscard]] const Series& global(Param p) const { return global_[index(p)]; }
  [[nodiscard]] const Series& place(Param p, std::uint32_t place) const {
    return scoped_[index(p)][place];
  }
  [[nodiscard]] const Series& route(Param p, std::uint32_t route) const {
    return scoped_[index(p)][route];
  }
  // The first day after `day` on which any parameter may change.
  [[nodiscard]] std::int32_t next_change_after(std::int32_t day) const;
  // Days (ascending) on which a mass return happens, with the index into scenario.mass_returns.
  [[nodiscard]] const std::vector<std::pair<std::int32_t, std::size_t>>& mass_return_days() const {
    return mass_returns_;
  }

 private:
  static std::size_t index(Param p) { return static_cast<std::size_t>(p); }
  std::vector<Series> global_;
  std::vector<std::vector<Series>> scoped_;  // [param][place or route]
  std::vector<std::int32_t> change_days_;    // sorted, unique: days on which something changes
  std::vector<std::pair<std::int32_t, std::size_t>> mass_returns_;
};

}  // namespace tumen
