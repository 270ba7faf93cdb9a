// tumen bench: runs the five benchmark rows and prints one table, or one JSON object with --json
// (docs/performance.md). Progress goes to stderr so that stdout holds only the result.
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "bench.hpp"
#include "bench/common.hpp"
#include "exit_codes.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/model.hpp"

namespace tumen::cli {

namespace {

using bench::Row;

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

void print_json(std::ostream& out, const bench::Config& config, const std::string& cpu,
                std::uint64_t llc, const std::string& llc_source, const std::vector<Row>& rows) {
  out << "{\n  \"tumen_version\": " << json_string(tumen_version())
      << ",\n  \"quick\": " << (config.quick ? "true" : "false")
      << ",\n  \"threads\": " << config.threads << ",\n  \"cpu\": " << json_string(cpu)
      << ",\n  \"llc_bytes\": " << llc << ",\n  \"llc_source\": " << json_string(llc_source);
  for (const Row& row : rows) {
    out << ",\n  " << json_string(row.name) << ": {";
    const char* separator = "\n    ";
    for (const auto& m : row.measures) {
      out << separator << json_string(m.key) << ": " << json_number(m.value.median) << ", "
          << json_string(m.key + "_min") << ": " << json_number(m.value.min) << ", "
          << json_string(m.key + "_max") << ": " << json_number(m.value.max);
      separator = ",\n    ";
    }
    for (const auto& [key, value] : row.facts) {
      out << separator << json_string(key) << ": " << json_number(value);
    }
    out << "\n  }";
  }
  out << "\n}\n";
}

std::string human(double value, const std::string& unit) {
  char buffer[32];
  if (unit == "B") {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (value >= 1024.0 && u < 4) {
      value /= 1024.0;
      ++u;
    }
    std::snprintf(buffer, sizeof buffer, "%.3g %s", value, units[u]);
  } else if (unit == "B/s") {
    std::snprintf(buffer, sizeof buffer, "%.3g GB/s", value / 1e9);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

void print_table(std::ostream& out, const bench::Config& config, const std::string& cpu,
                 std::uint64_t llc, const std::string& llc_source, const std::vector<Row>& rows) {
  char line[256];
  std::snprintf(line, sizeof line,
                "tumen bench%s: tumen %s on %s, %d thread%s, last-level cache %s (%s)\n",
                config.quick ? " --quick" : "", tumen_version(), cpu.c_str(), config.threads,
                config.threads == 1 ? "" : "s", human(static_cast<double>(llc), "B").c_str(),
                llc_source.c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-11s %-34s %11s %11s %11s  %s\n", "row", "measure (median)",
                "median", "min", "max", "target");
  out << line;
  for (const Row& row : rows) {
    bool first = true;
    for (const auto& m : row.measures) {
      std::snprintf(line, sizeof line, "%-11s %-34s %11s %11s %11s  %s\n",
                    first ? row.name.c_str() : "", m.label.c_str(),
                    human(m.value.median, m.unit).c_str(), human(m.value.min, m.unit).c_str(),
                    human(m.value.max, m.unit).c_str(), m.target.c_str());
      out << line;
      first = false;
    }
    out << "            (" << row.note << ")\n";
  }
}

}  // namespace

int bench_command(const BenchArgs& args) {
  try {
    bench::Config config;
    config.quick = args.quick;
    config.threads = available_cpus();
    config.scenarios = bench::find_scenarios(args.scenarios);
    config.kernel_agents = args.kernel_agents;
    config.runs = args.runs;
    std::string llc_source;
    const std::uint64_t llc = bench::last_level_cache_bytes(llc_source);
    const std::string cpu = bench::cpu_model();

    // The population row runs first: its runs are child processes whose peak memory should not
    // include what the other rows left in this one. The kernel, the largest, runs last.
    auto wanted = [&](const std::string& name) {
      if (args.only.empty()) return true;
      const std::string list = "," + args.only + ",";
      return list.find("," + name + ",") != std::string::npos;
    };
    std::vector<Row> done;
    auto run = [&](const char* name, Row (*fn)(const bench::Config&)) {
      if (!wanted(name)) return;
      std::cerr << "tumen bench: " << name << "...\n";
      const auto start = bench::Clock::now();
      Row row = fn(config);
      std::cerr << "tumen bench: " << name << " done in " << human(bench::seconds_since(start), "s")
                << " s\n";
      done.push_back(std::move(row));
    };
    run("population", bench::population_row);
    run("korea", bench::korea_row);
    run("scaling", bench::scaling_row);
    run("output", bench::output_row);
    run("kernel", bench::kernel_row);
    std::vector<Row> rows;
    for (const char* name : {"kernel", "korea", "population", "scaling", "output"}) {
      for (auto& row : done) {
        if (row.name == name) rows.push_back(std::move(row));
      }
    }
    if (args.json) {
      print_json(std::cout, config, cpu, llc, llc_source, rows);
    } else {
      print_table(std::cout, config, cpu, llc, llc_source, rows);
    }
    return kSuccess;
  } catch (const std::bad_alloc&) {
    std::cerr << "tumen bench: error: out of memory\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "tumen bench: error: " << e.what() << '\n';
    return kFailure;
  }
}

}  // namespace tumen::cli
