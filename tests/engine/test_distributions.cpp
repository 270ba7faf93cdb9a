#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "tumen/distributions.hpp"

using namespace tumen;

namespace {
rng::Draws pinned_draws() {
  return rng::Draws({2024, rng::replicate_stream(3)}, 99, 17, rng::Purpose::movement);
}
}  // namespace

// Exact values, pinned: any change here changes every result and needs a bump of kRngScheme.
TEST_CASE("Distributions give pinned values", "[rng][distributions]") {
  SECTION("uniform") {
    auto d = pinned_draws();
    const std::vector<double> expected = {0x1.3f89e8b5bc345p-1, 0x1.642a8b24075b3p-1,
                                          0x1.2a173f10acfb6p-2, 0x1.8e07352153538p-3};
    for (const double e : expected) CHECK(dist::uniform(d) == e);
  }
  SECTION("exponential") {
    auto d = pinned_draws();
    const std::vector<double> expected = {0x1.e2c2cb8eae307p-2, 0x1.73a32f6832f32p-2,
                                          0x1.3bec4023b5dd9p+0, 0x1.a35a4681bc77p+0};
    for (const double e : expected) CHECK(dist::exponential(d) == e);
  }
  SECTION("uniform_below") {
    auto d = pinned_draws();
    for (const std::uint64_t e : {4, 4, 2, 1, 1, 5, 4, 3}) CHECK(dist::uniform_below(d, 7) == e);
  }
  SECTION("uniform_between") {
    auto d = pinned_draws();
    for (const std::int64_t e : {1, 1, -1, -2, -2, 2, 1, 0})
      CHECK(dist::uniform_between(d, -3, 3) == e);
  }
  SECTION("poisson, inversion branch") {
    auto d = pinned_draws();
    for (const std::int64_t e : {3, 3, 2, 1, 1, 4, 3, 2}) CHECK(dist::poisson(d, 2.5) == e);
  }
  SECTION("poisson, PTRS branch") {
    auto d = pinned_draws();
    for (const std::int64_t e : {42, 36, 33, 43, 45, 43, 42, 44})
      CHECK(dist::poisson(d, 40.0) == e);
  }
  SECTION("categorical") {
    auto d = pinned_draws();
    const double weights[] = {1.0, 0.0, 1.0, 2.0};
    for (const std::size_t e : {3, 3, 2, 0, 0, 3, 3, 3}) CHECK(dist::categorical(d, weights) == e);
  }
  SECTION("bernoulli") {
    auto d = pinned_draws();
    for (const bool e : {false, false, true, true, true, false, false, false})
      CHECK(dist::bernoulli(d, 0.3) == e);
  }
}

TEST_CASE("Distributions stay in range", "[distributions]") {
  rng::Draws d({1, 1}, 1, 1, rng::Purpose::movement);
  for (int i = 0; i < 10000; ++i) {
    const double u = dist::uniform(d);
    CHECK((u >= 0.0 && u < 1.0));
    const double e = dist::exponential(d);
    CHECK((std::isfinite(e) && e > 0.0));
    const auto k = dist::uniform_between(d, 5, 9);
    CHECK((k >= 5 && k <= 9));
  }
  CHECK(dist::poisson(d, 0.0) == 0);
  const double zero_weights_but_one[] = {0.0, 0.0, 3.0};
  for (int i = 0; i < 100; ++i) CHECK(dist::categorical(d, zero_weights_but_one) == 2);
}

TEST_CASE("Poisson moments match the mean on both branches", "[distributions]") {
  for (const double mean : {0.7, 4.0, 9.9, 10.0, 35.0, 400.0}) {
    rng::Draws d({7, 0}, 3, 0, rng::Purpose::departure_count);
    const int n = 40000;
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<double>(dist::poisson(d, mean));
      sum += k;
      sum_sq += k * k;
    }
    const double m = sum / n;
    const double var = sum_sq / n - m * m;
    // Standard error of the mean is sqrt(mean / n); 5 of them is a bound that does not flake.
    CHECK(std::abs(m - mean) < 5.0 * std::sqrt(mean / n));
    // The sample variance's relative standard error is about sqrt(2 / n) (+ 1/(mean n)).
    CHECK(std::abs(var / mean - 1.0) < 5.0 * std::sqrt(2.0 / n + 1.0 / (mean * n)));
  }
}
