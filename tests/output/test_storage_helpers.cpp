// The pure helpers behind the storage rules and `tumen inspect`.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "detail/chunk_shape.hpp"
#include "detail/quantile.hpp"

using tumen::output::detail::chunk_shape;
using tumen::output::detail::linear_quantile;
using Shape = std::vector<hsize_t>;

TEST_CASE("chunk_shape keeps one replicate per chunk", "[output][chunk]") {
  CHECK(chunk_shape({100, 120, 12, 2}, 8) == Shape{1, 120, 12, 2});
  CHECK(chunk_shape({1, 120, 12, 2}, 8) == Shape{1, 120, 12, 2});
  CHECK(chunk_shape({5000}, 1) == Shape{1});
}

TEST_CASE("chunk_shape splits a slab over the limit along time first", "[output][chunk]") {
  // 1000 x 300 x 10 int64 = 24 MB; 4 MiB holds 174 periods of 24 kB.
  CHECK(chunk_shape({3, 1000, 300, 10}, 8) == Shape{1, 174, 300, 10});
  // Exactly at the limit stays whole.
  CHECK(chunk_shape({3, 4, 1024, 128}, 8) == Shape{1, 4, 1024, 128});
  CHECK(chunk_shape({3, 5, 1024, 128}, 8) == Shape{1, 4, 1024, 128});
  // A single period over the limit: time goes to 1, then the next axis is split.
  CHECK(chunk_shape({2, 10, 100000, 10}, 8) == Shape{1, 1, 52428, 10});
  CHECK(chunk_shape({2, 100, 1000}, 8, 1000) == Shape{1, 1, 125});
}

TEST_CASE("chunk_shape gives no chunks for a dataset without elements", "[output][chunk]") {
  CHECK(chunk_shape({3, 0}, 8).empty());
  CHECK(chunk_shape({0, 12, 10, 2}, 8).empty());
  CHECK(chunk_shape({}, 8).empty());
}

TEST_CASE("linear_quantile matches numpy.quantile exactly", "[output][quantile]") {
  // Expected values from numpy 1.24: np.quantile(values, q), printed with float.hex().
  const std::vector<double> integers = {10, 2, 4, 1, 3};
  CHECK(linear_quantile(integers, 0.05) == 0x1.3333333333333p+0);
  CHECK(linear_quantile(integers, 0.25) == 2.0);
  CHECK(linear_quantile(integers, 0.5) == 3.0);
  CHECK(linear_quantile(integers, 0.95) == 0x1.1999999999999p+3);
  CHECK(linear_quantile(integers, 1.0) == 10.0);
  CHECK(linear_quantile(integers, 0.0) == 1.0);

  const std::vector<double> fractions = {0.1, 0.7, 0.2, 0.3};
  CHECK(linear_quantile(fractions, 0.05) == 0x1.d70a3d70a3d71p-4);
  CHECK(linear_quantile(fractions, 0.95) == 0x1.47ae147ae1479p-1);
  CHECK(linear_quantile(fractions, 0.333) == 0x1.99652bd3c3612p-3);

  CHECK(linear_quantile({7.0}, 0.05) == 7.0);
  CHECK(linear_quantile({3.0, 1.0}, 0.95) == 2.9);
  CHECK(std::isnan(linear_quantile({}, 0.5)));
}
