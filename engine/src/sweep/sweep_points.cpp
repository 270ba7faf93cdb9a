#include "tumen/sweep/sweep_points.hpp"

#include <algorithm>
#include <numeric>

#include "tumen/distributions.hpp"
#include "tumen/rng.hpp"

namespace tumen::sweep {

std::vector<Point> grid_points(const std::vector<std::vector<double>>& values) {
  std::vector<Point> points;
  if (values.empty()) return points;
  std::size_t total = 1;
  for (const auto& list : values) total *= list.size();
  points.reserve(total);
  // An odometer over the lists: the last parameter turns fastest.
  std::vector<std::size_t> index(values.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    Point point(values.size());
    for (std::size_t p = 0; p < values.size(); ++p) point[p] = values[p][index[p]];
    points.push_back(std::move(point));
    for (std::size_t p = values.size(); p-- > 0;) {
      if (++index[p] < values[p].size()) break;
      index[p] = 0;
    }
  }
  return points;
}

std::vector<Point> list_points(const std::vector<std::vector<double>>& values) {
  std::vector<Point> points;
  if (values.empty()) return points;
  const std::size_t count = values.front().size();
  for (std::size_t i = 0; i < count; ++i) {
    Point point;
    for (const auto& list : values) point.push_back(list.at(i));
    points.push_back(std::move(point));
  }
  return points;
}

std::vector<Point> latin_hypercube_points(const std::vector<ParameterRange>& ranges,
                                          std::uint64_t count, std::uint64_t seed) {
  std::vector<Point> points(count, Point(ranges.size()));
  const rng::Key key{seed, 0};
  for (std::size_t p = 0; p < ranges.size(); ++p) {
    // One stream per parameter: adding a parameter leaves the others' columns unchanged.
    rng::Draws draws(key, p, 0, static_cast<rng::Purpose>(kLatinHypercubePurpose));
    // Fisher-Yates, from the top: stratum_of[i] is the stratum of point i.
    std::vector<std::uint64_t> stratum_of(count);
    std::iota(stratum_of.begin(), stratum_of.end(), std::uint64_t{0});
    for (std::uint64_t i = count; i > 1; --i) {
      std::swap(stratum_of[i - 1], stratum_of[dist::uniform_below(draws, i)]);
    }
    const double width = (ranges[p].high - ranges[p].low) / static_cast<double>(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      const double offset = dist::uniform(draws);  // where in the stratum, in [0, 1)
      const double value = ranges[p].low + (static_cast<double>(stratum_of[i]) + offset) * width;
      // Rounding must not push a value past the range's end.
      points[i][p] = std::min(value, ranges[p].high);
    }
  }
  return points;
}

}  // namespace tumen::sweep
