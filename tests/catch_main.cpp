// Catch2 v2's main, compiled once for every test binary (it is the slowest file to build).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
