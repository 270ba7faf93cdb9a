#include "tumen/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

namespace tumen {

namespace {

std::uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

// The folder of this process's own cgroup under /sys/fs/cgroup (v2: the "0::" line of
// /proc/self/cgroup), falling back to the root, which is what a container usually sees.
std::string own_cgroup_v2() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return "/sys/fs/cgroup" + line.substr(3);
  }
  return "/sys/fs/cgroup";
}

// A limit file holds a number of bytes or "max". v1 reports "no limit" as a huge number, which
// the min() below ignores as it should.
std::uint64_t read_limit(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return UINT64_MAX;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() && value > 0 ? value : UINT64_MAX;
}

std::uint64_t cgroup_memory() {
  // Walk up from our own cgroup: a parent's limit binds its children too.
  std::uint64_t limit = UINT64_MAX;
  for (std::string folder = own_cgroup_v2(); folder.size() >= std::string("/sys/fs/cgroup").size();
       folder = folder.substr(0, folder.rfind('/'))) {
    limit = std::min(limit, read_limit(folder + "/memory.max"));
    if (folder == "/sys/fs/cgroup") break;
  }
  return std::min(limit, read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
}

std::uint64_t address_space_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return limit.rlim_cur;
}

}  // namespace

std::uint64_t available_memory_bytes() {
  return std::min({physical_memory(), cgroup_memory(), address_space_limit()});
}

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  double number = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || !std::isfinite(number) || number <= 0.0) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  unit.erase(0, unit.find_first_not_of(' '));  // "2.5 GB": one unit, spaces only before it
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.ends_with("ib")) {
    unit.erase(unit.size() - 2);
  } else if (unit.size() > 1 && unit.ends_with('b')) {
    unit.pop_back();
  } else if (unit == "b") {
    unit.clear();
  }
  int shift = 0;
  if (unit == "k") {
    shift = 10;
  } else if (unit == "m") {
    shift = 20;
  } else if (unit == "g") {
    shift = 30;
  } else if (unit == "t") {
    shift = 40;
  } else if (!unit.empty()) {
    return std::nullopt;
  }
  const double bytes = std::ldexp(number, shift);
  if (bytes < 1.0 || bytes >= 0x1p64) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace tumen
