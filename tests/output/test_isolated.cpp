// run_isolated: work in a forked child with an address-space limit and a timeout. Each way a
// child can go wrong is provoked for real (a null write, an allocation without bound, a hang)
// and must come back as a result, never take the test process down.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tumen/output/isolated.hpp"

using namespace tumen::output;
using namespace std::chrono_literals;

namespace {

IsolationLimits quick_limits() {
  IsolationLimits limits;
  limits.address_space_bytes = std::uint64_t{1} << 30;
  limits.timeout = 20s;
  return limits;
}

}  // namespace

TEST_CASE("Isolated work that returns brings back its output and exit code", "[output][isolated]") {
  const IsolatedResult result = run_isolated(
      [](std::ostream& out, std::ostream& err) {
        out << "first line\n";
        err << "a warning\n";
        return 7;
      },
      quick_limits());
  CHECK(result.end == IsolatedEnd::returned);
  CHECK(result.exit_code == 7);
  CHECK(result.out == "first line\n");
  CHECK(result.err == "a warning\n");
  CHECK(result.describe(quick_limits()).empty());
}

TEST_CASE("Isolated work runs on a copy of the parent's memory", "[output][isolated]") {
  int changed_in_child = 1;
  const IsolatedResult result = run_isolated(
      [&](std::ostream& out, std::ostream&) {
        changed_in_child = 2;
        out << changed_in_child;
        return 0;
      },
      quick_limits());
  CHECK(result.out == "2");
  CHECK(changed_in_child == 1);
}

TEST_CASE("Isolated output larger than a pipe's buffer arrives whole", "[output][isolated]") {
  const std::string text(5 << 20, 'x');
  const IsolatedResult result = run_isolated(
      [&](std::ostream& out, std::ostream& err) {
        out << text;
        err << text.substr(0, 100000);
        return 0;
      },
      quick_limits());
  REQUIRE(result.end == IsolatedEnd::returned);
  CHECK(result.out == text);
  CHECK(result.err.size() == 100000);
}

TEST_CASE("An exception in isolated work comes back with its message", "[output][isolated]") {
  const IsolatedResult result = run_isolated(
      [](std::ostream& out, std::ostream&) -> int {
        out << "partial";
        throw std::runtime_error("the work failed");
      },
      quick_limits());
  CHECK(result.end == IsolatedEnd::threw);
  CHECK(result.err == "the work failed");
  CHECK(result.describe(quick_limits()) == "the work failed");
}

TEST_CASE("A child that segfaults is contained and reported", "[output][isolated]") {
  const IsolatedResult result = run_isolated(
      [](std::ostream&, std::ostream&) {
        volatile int* volatile nowhere = nullptr;
        *nowhere = 1;
        return 0;
      },
      quick_limits());
  REQUIRE(result.end == IsolatedEnd::crashed);
  if (address_space_limit_applies()) {
    CHECK(result.signal == SIGSEGV);
    CHECK(result.describe(quick_limits()).starts_with("signal " + std::to_string(SIGSEGV)));
  } else {
    // The sanitizers catch the fault in the child, print their report and exit with status 1.
    CHECK((result.signal == SIGSEGV || result.exit_status != 0));
    CHECK_FALSE(result.describe(quick_limits()).empty());
  }
}

TEST_CASE("A child killed by a signal is reported with the signal", "[output][isolated]") {
  const IsolatedResult result = run_isolated(
      [](std::ostream& out, std::ostream&) {
        out << "lost";
        std::raise(SIGKILL);
        return 0;
      },
      quick_limits());
  CHECK(result.end == IsolatedEnd::crashed);
  CHECK(result.signal == SIGKILL);
  CHECK(result.out.empty());
}

TEST_CASE("A child that hangs is killed at the timeout", "[output][isolated]") {
  IsolationLimits limits = quick_limits();
  limits.timeout = 300ms;
  for (const bool busy : {false, true}) {
    const auto start = std::chrono::steady_clock::now();
    const IsolatedResult result = run_isolated(
        [busy](std::ostream&, std::ostream&) {
          volatile unsigned long spins = 0;
          while (busy) spins = spins + 1;
          std::this_thread::sleep_for(1h);
          return 0;
        },
        limits);
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO("busy " << busy);
    CHECK(result.end == IsolatedEnd::timed_out);
    CHECK(seconds >= 0.3);
    CHECK(seconds < 10.0);
    CHECK(result.describe(limits) == "timed out after 300 ms");
  }
}

TEST_CASE("A child that asks for impossible memory is contained", "[output][isolated]") {
  const IsolatedResult result = run_isolated(
      [](std::ostream& out, std::ostream&) {
        // 32 TiB: beyond the address-space limit, and beyond what AddressSanitizer serves.
        const auto block = std::make_unique<char[]>(std::size_t{1} << 45);
        out << static_cast<const void*>(block.get());
        return 0;
      },
      quick_limits());
  if (address_space_limit_applies()) {
    CHECK(result.end == IsolatedEnd::out_of_memory);
    CHECK(result.describe(quick_limits()) ==
          "out of memory: it needs more than the 1024 MiB allowed");
  } else {
    // AddressSanitizer refuses the size itself: a report and exit status 1 in the child.
    CHECK((result.end == IsolatedEnd::out_of_memory || result.end == IsolatedEnd::crashed));
  }
}

TEST_CASE("A child that allocates without bound stops at the address-space limit",
          "[output][isolated]") {
  if (!address_space_limit_applies()) {
    // Under AddressSanitizer the limit is not applied (isolated.hpp), so this child would
    // take the machine's memory; the release build runs this test.
    WARN("skipped: RLIMIT_AS is not applied in builds with AddressSanitizer");
    return;
  }
  IsolationLimits limits = quick_limits();
  limits.address_space_bytes = std::uint64_t{512} << 20;
  const IsolatedResult result = run_isolated(
      [](std::ostream& out, std::ostream&) {
        std::vector<std::unique_ptr<char[]>> blocks;
        for (;;) {
          blocks.push_back(std::make_unique<char[]>(std::size_t{16} << 20));
          std::memset(blocks.back().get(), 1, std::size_t{16} << 20);  // touch every page
          out << '.';
        }
        return 0;
      },
      limits);
  CHECK(result.end == IsolatedEnd::out_of_memory);
  CHECK(result.describe(limits) == "out of memory: it needs more than the 512 MiB allowed");
}
