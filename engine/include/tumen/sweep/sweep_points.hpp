#pragma once
// The points of a parameter sweep (docs/sweeps.md): each point is one value per swept parameter,
// in the order the parameters are listed. Pure functions of their inputs, so that a sweep file
// and its slices always agree on which point has which number.
#include <cstdint>
#include <vector>

namespace tumen::sweep {

// One value per parameter.
using Point = std::vector<double>;

// The cartesian product of the value lists, the first parameter varying slowest (as
// itertools.product): values {{1, 2}, {10, 20, 30}} give (1,10) (1,20) (1,30) (2,10) ...
// Empty when a list is empty.
[[nodiscard]] std::vector<Point> grid_points(const std::vector<std::vector<double>>& values);

// Explicit points given column by column: point i takes the i-th value of each list. The lists
// must have the same length.
[[nodiscard]] std::vector<Point> list_points(const std::vector<std::vector<double>>& values);

struct ParameterRange {
  double low = 0.0;
  double high = 0.0;  // low <= high
};

// A Latin hypercube of `count` points over the ranges: each parameter's range is cut into
// `count` equal strata, and each stratum holds exactly one point's value for that parameter.
// Which point gets which stratum is a random permutation per parameter, and the value lies at a
// random place within its stratum. The draws are tumen's own Philox words and distributions
// (docs/rng.md, "Latin hypercube"), never std:: distributions, so the points are the same for a
// seed on every platform.
[[nodiscard]] std::vector<Point> latin_hypercube_points(const std::vector<ParameterRange>& ranges,
                                                        std::uint64_t count, std::uint64_t seed);

// The counter's purpose word of the Latin hypercube draws: outside the model's purposes
// (rng::Purpose), so these draws never coincide with a simulation's. "LHS" in ASCII.
inline constexpr std::uint64_t kLatinHypercubePurpose = 0x4c4853;

}  // namespace tumen::sweep
