// Random numbers: everything is inline in tumen/rng.hpp (Philox4x64-10 from Random123), so that
// the daily step computes its blocks without a call. This file keeps the header compiled on its
// own.
#include "tumen/rng.hpp"
