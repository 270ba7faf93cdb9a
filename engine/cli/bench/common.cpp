#include "common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

namespace tumen::bench {

namespace fs = std::filesystem;

Stats stats_of(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  return {median, values.front(), values.back()};
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto first = line.find_first_not_of(" \t", colon + 1);
    return first == std::string::npos ? "unknown" : line.substr(first);
  }
  return "unknown";
}

namespace {

// "32K", "1024K", "32M" or plain bytes.
std::uint64_t parse_size(const std::string& text) {
  std::istringstream in(text);
  std::uint64_t value = 0;
  std::string unit;
  if (!(in >> value)) return 0;
  in >> unit;
  if (!unit.empty() && (unit[0] == 'K' || unit[0] == 'k')) return value << 10;
  if (!unit.empty() && (unit[0] == 'M' || unit[0] == 'm')) return value << 20;
  if (!unit.empty() && (unit[0] == 'G' || unit[0] == 'g')) return value << 30;
  return value;
}

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::uint64_t last_level_cache_bytes(std::string& source) {
  // sysfs: the data or unified cache of the highest level that cpu0 sees.
  std::error_code ec;
  int best_level = 0;
  std::uint64_t best = 0;
  for (const auto& entry : fs::directory_iterator("/sys/devices/system/cpu/cpu0/cache", ec)) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    if (first_line(entry.path() / "type") == "Instruction") continue;
    const int level = std::atoi(first_line(entry.path() / "level").c_str());
    const std::uint64_t size = parse_size(first_line(entry.path() / "size"));
    if (size > 0 && level > best_level) {
      best_level = level;
      best = size;
    }
  }
  if (best > 0) {
    source = "sysfs L" + std::to_string(best_level);
    return best;
  }
  // Some virtual machines have no sysfs cache entries; glibc reads CPUID instead.
  for (const auto& [name, level] :
       {std::pair{_SC_LEVEL3_CACHE_SIZE, 3}, std::pair{_SC_LEVEL2_CACHE_SIZE, 2}}) {
    const long size = sysconf(name);
    if (size > 0) {
      source = "sysconf L" + std::to_string(level);
      return static_cast<std::uint64_t>(size);
    }
  }
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cache size", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    source = "/proc/cpuinfo";
    return parse_size(line.substr(colon + 1));
  }
  source = "assumed";
  return std::uint64_t{32} << 20;
}

std::uint64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return parse_size(line.substr(6) + " K");
  }
  return 0;
}

fs::path find_scenarios(const std::string& given) {
  std::vector<fs::path> candidates;
  if (!given.empty()) {
    candidates.emplace_back(given);
  } else {
    candidates.emplace_back("scenarios");
#ifdef TUMEN_SOURCE_DIR
    candidates.emplace_back(fs::path(TUMEN_SOURCE_DIR) / "scenarios");
#endif
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    // build/<preset>/engine/cli/tumen, or an installed bin/tumen next to share/tumen.
    if (!ec) {
      candidates.push_back(exe.parent_path() / "../../../../scenarios");
      candidates.push_back(exe.parent_path() / "../share/tumen/scenarios");
    }
  }
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c / "korea" / "baseline.toml", ec)) return fs::weakly_canonical(c);
  }
  throw std::runtime_error(
      "cannot find the scenarios folder (scenarios/korea/baseline.toml); run from the source "
      "tree or give --scenarios DIR");
}

std::unique_ptr<Model> load_model(const fs::path& scenario, Period period,
                                  const std::vector<std::string>& set) {
  Diagnostics diagnostics;
  auto loaded = load_scenario(scenario.string(), LoadOptions{set}, diagnostics);
  if (!loaded) {
    std::ostringstream messages;
    diagnostics.print(messages);
    throw std::runtime_error("cannot load " + scenario.string() + ":\n" + messages.str());
  }
  return std::make_unique<Model>(std::move(*loaded), period);
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "tumen-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

double agent_days(const Model& model, const Simulation& simulation) {
  const auto& agents = simulation.agents();
  const double days = model.day_count();
  std::uint64_t at_start = 0;  // whole-population agents exist from day 0
  if (model.whole_population()) {
    for (std::size_t i = 0; i < model.origins().size(); ++i) at_start += model.population(i);
  }
  double total = static_cast<double>(at_start) * days;
  for (std::size_t a = at_start; a < agents.size(); ++a) {
    total += days - agents.first_departure_day[a];
  }
  return total;
}

}  // namespace tumen::bench
