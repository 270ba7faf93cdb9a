#pragma once
// The largest inputs tumen accepts. A scenario is a file that people edit by hand and pass
// around, so every quantity a hostile or mistaken file could inflate has a bound here, checked
// with a clear error before memory is committed. docs/reliability.md lists them with the reason
// for each value; a real study stays far below every one (the Korea baseline has 36 places,
// 49 routes and 78 timeline entries).
#include <cstddef>
#include <cstdint>
#include <limits>

#include "tumen/agents.hpp"

namespace tumen::limits {

// Files. A TOML document becomes a tree of nodes several times its size, and a CSV field costs
// about 48 bytes however short it is: the byte limits keep the parsed forms in the hundreds of
// megabytes at worst.
inline constexpr std::uintmax_t kScenarioFileBytes = std::uintmax_t{4} << 20;  // one TOML file
inline constexpr std::uintmax_t kTableFileBytes = std::uintmax_t{64} << 20;    // one CSV table
inline constexpr std::size_t kTableFields = 10'000'000;  // fields in one CSV table, header included
inline constexpr std::size_t kTableColumns = 256;

// Includes. The depth bound stops runaway chains; the file count stops a diamond of includes
// (each file including the next one twice) from loading 2^depth documents.
inline constexpr std::size_t kIncludeDepth = 16;
inline constexpr std::size_t kScenarioFiles = 64;  // TOML documents loaded, repeats counted

// Names, ids and other strings: place names, timeline ids, countries, the scenario name. The
// description is free text and may be longer.
inline constexpr std::size_t kNameBytes = 256;
inline constexpr std::size_t kDescriptionBytes = 64 * 1024;  // and notes

// The network. An agent's place is a uint16 and its goal a uint8 (the hot state stays at 20
// bytes an agent), so these are hard limits of the representation, not only of memory.
inline constexpr std::size_t kPlaces = std::numeric_limits<std::uint16_t>::max();
inline constexpr std::size_t kDestinations = std::numeric_limits<std::uint8_t>::max();
inline constexpr std::size_t kRoutes = 1'000'000;

// Time: 200 years of days, and the timeline's size. Each timeline entry applies to each of its
// targets (every place of a kind, say), so the targets are bounded too.
inline constexpr std::int32_t kDays = 200 * 366;
inline constexpr std::size_t kTimelineEntries = 100'000;
inline constexpr std::size_t kTimelineTargets = 10'000'000;  // entries times the targets of each
inline constexpr std::size_t kMassReturns = 10'000;

// Route plans: one per day on which something shaping them changes (a ramp of a route parameter
// changes it daily). Their memory is days x (3 views x destinations x places + 3 x routes) x 8
// bytes, and finding the days walks every route on each of them.
inline constexpr std::uint64_t kRoutePlanBytes = std::uint64_t{2} << 30;
inline constexpr std::uint64_t kRoutePlanRouteDays = 50'000'000;

// Agents: ids are uint32; the top ids stay free so that counts and sentinels never overflow.
inline constexpr std::uint64_t kAgents =
    std::uint64_t{std::numeric_limits<AgentId>::max()} - (std::uint64_t{1} << 24);

// Output: replicates x the uncompressed per-replicate counters of one file.
inline constexpr std::uint64_t kOutputBytes = std::uint64_t{16} << 40;  // 16 TiB

}  // namespace tumen::limits
