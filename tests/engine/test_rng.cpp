#include <catch2/catch.hpp>

#include "tumen/rng.hpp"

using tumen::rng::Block;

// Known-answer vectors of Philox4x64-10 published with Random123 (kat_vectors): they pin the
// bijection itself, independently of how tumen uses it.
TEST_CASE("Philox4x64-10 matches the Random123 known answers", "[rng]") {
  SECTION("zero counter and key") {
    const Block out = tumen::rng::philox4x64_10({0, 0, 0, 0}, {0, 0});
    CHECK(out == Block{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL,
                       0x7e68b68aec7ba23bULL});
  }
  SECTION("all ones") {
    const std::uint64_t f = ~0ULL;
    const Block out = tumen::rng::philox4x64_10({f, f, f, f}, {f, f});
    CHECK(out == Block{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL,
                       0xa09caebf594f0ba0ULL});
  }
  SECTION("digits of pi") {
    const Block out = tumen::rng::philox4x64_10({0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL,
                                                 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL},
                                                {0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL});
    CHECK(out == Block{0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL,
                       0x57bd43b5e52b7fe6ULL});
  }
}

TEST_CASE("Draws follow the documented key and counter layout", "[rng]") {
  // docs/rng.md: key = (seed, stream), counter = (entity, day, purpose, block).
  const tumen::rng::Key key{42, tumen::rng::replicate_stream(7)};
  tumen::rng::Draws draws(key, 1234, 56, tumen::rng::Purpose::movement);
  const Block first = tumen::rng::philox4x64_10({1234, 56, 4, 0}, {42, 7});
  const Block second = tumen::rng::philox4x64_10({1234, 56, 4, 1}, {42, 7});
  for (int i = 0; i < 4; ++i) CHECK(draws.next() == first[static_cast<std::size_t>(i)]);
  for (int i = 0; i < 4; ++i) CHECK(draws.next() == second[static_cast<std::size_t>(i)]);
}

TEST_CASE("Streams pack replicate and point", "[rng]") {
  CHECK(tumen::rng::replicate_stream(5) == 5);
  CHECK(tumen::rng::replicate_stream(5, 3) == ((3ULL << 32) | 5));
  CHECK(tumen::rng::replicate_stream(1) != tumen::rng::replicate_stream(2));
}

TEST_CASE("Different seeds, entities, days and purposes give different words", "[rng]") {
  using tumen::rng::Draws;
  using tumen::rng::Purpose;
  const std::uint64_t base = Draws({1, 0}, 10, 20, Purpose::movement).next();
  CHECK(Draws({2, 0}, 10, 20, Purpose::movement).next() != base);
  CHECK(Draws({1, 1}, 10, 20, Purpose::movement).next() != base);
  CHECK(Draws({1, 0}, 11, 20, Purpose::movement).next() != base);
  CHECK(Draws({1, 0}, 10, 21, Purpose::movement).next() != base);
  CHECK(Draws({1, 0}, 10, 20, Purpose::patrol).next() != base);
  CHECK(Draws({1, 0}, 10, 20, Purpose::movement).next() == base);
}
