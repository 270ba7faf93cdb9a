#pragma once
// How much memory this process may use: the smallest of the machine's physical memory, its
// cgroup's limit (v2 memory.max or v1 memory.limit_in_bytes, which is how Slurm and containers
// enforce --mem) and RLIMIT_AS. The default of `tumen run --max-memory`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tumen {

[[nodiscard]] std::uint64_t available_memory_bytes();

// "8G", "512MiB", "2.5 GB", "1048576": a size in bytes, with binary multiples (K, M, G, T, with
// or without "B" or "iB"; case-insensitive). Nothing for anything else, zero included.
[[nodiscard]] std::optional<std::uint64_t> parse_memory_size(std::string_view text);

// 1536 MiB -> "1.5 GiB": for messages.
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

}  // namespace tumen
