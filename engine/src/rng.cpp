#include "tumen/rng.hpp"

#include <Random123/philox.h>

namespace tumen::rng {

Block philox4x64_10(const Block& counter, const std::array<std::uint64_t, 2>& key) {
  r123::Philox4x64_R<10> bijection;
  const r123::Philox4x64_R<10>::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  const r123::Philox4x64_R<10>::key_type k = {{key[0], key[1]}};
  const auto out = bijection(c, k);
  return {out[0], out[1], out[2], out[3]};
}

}  // namespace tumen::rng
