// Reads SWEEP.toml (docs/sweeps.md) with toml++, as the calibration loader reads CALIB.toml: every
// problem is collected with its position, and every parameter and value is checked against the
// base scenario before any simulation runs.
#include <openssl/evp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>

#include "tumen/csv_table.hpp"
#include "tumen/limits.hpp"
#include "tumen/parameters.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/sweep/sweep_spec.hpp"
#include "tumen/text_file.hpp"
#include "tumen/toml_text.hpp"

namespace tumen::sweep {

namespace fs = std::filesystem;

const char* to_string(Design design) {
  switch (design) {
    case Design::grid:
      return "grid";
    case Design::list:
      return "list";
    case Design::latin_hypercube:
      return "latin_hypercube";
  }
  return "grid";
}

std::string point_group(std::uint64_t point) {
  char name[40];
  std::snprintf(name, sizeof name, "/point/%04llu", static_cast<unsigned long long>(point));
  return name;
}

namespace {

// The shortest decimal text that reads back as the same double: a point's --set values, and so
// its scenario hash, name exactly the value the sweep ran.
std::string exact_text(double value) {
  char text[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* const kDigits = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += kDigits[digest[i] >> 4];
    text += kDigits[digest[i] & 15];
  }
  return text;
}

struct ParameterEntry {
  std::string name;
  Param param = Param::count_;
  SourcePosition where;                     // of its name
  std::vector<double> values;               // grid, list
  std::vector<SourcePosition> value_where;  // of each value
  std::optional<ParameterRange> range;      // latin_hypercube
  SourcePosition range_where;
};

class SweepLoader {
 public:
  SweepLoader(const fs::path& path, Diagnostics& diagnostics)
      : path_(path), shown_(path.string()), diag_(diagnostics) {}

  std::optional<SweepSpec> load() {
    std::string why;
    auto text = read_text_file(path_, limits::kScenarioFileBytes, why);
    if (!text) {
      diag_.error({shown_, 0, 0}, "cannot open sweep file: " + why);
      return std::nullopt;
    }
    int line = 0, column = 0;
    if (!is_clean_text(*text, line, column)) {
      diag_.error({shown_, line, column}, "expected UTF-8 text, found a binary or non-UTF-8 byte");
      return std::nullopt;
    }
    if (!non_ascii_only_in_strings(*text, line, column)) {
      diag_.error({shown_, line, column},
                  "a character beyond ASCII outside a string or a comment: TOML allows those only "
                  "in quoted strings and comments");
      return std::nullopt;
    }
    spec_.path = shown_;
    spec_.text = *text;
    toml::table root;
    try {
      root = toml::parse(*text, shown_);
    } catch (const toml::parse_error& e) {
      diag_.error(pos(e.source()), std::string(e.description()));
      return std::nullopt;
    }
    check_keys(root, {"sweep", "parameter"}, "the file");
    const toml::node* sweep_node = root.get("sweep");
    if (!sweep_node || !sweep_node->is_table()) {
      diag_.error(sweep_node ? pos(*sweep_node) : SourcePosition{shown_, 1, 1},
                  "expected a table [sweep] naming the scenario, the design and the replicates");
      return std::nullopt;
    }
    read_sweep(*sweep_node->as_table());
    read_parameters(root);
    if (diag_.has_errors()) return std::nullopt;
    make_points();
    if (diag_.has_errors()) return std::nullopt;
    check_against_scenario();
    if (diag_.has_errors()) return std::nullopt;
    spec_.hash = sha256_hex(std::to_string(spec_.text.size()) + ":" + spec_.text + ":" +
                            spec_.scenario_hash);
    return std::move(spec_);
  }

 private:
  SourcePosition pos(const toml::source_region& region) const {
    return {shown_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  SourcePosition pos(const toml::node& node) const { return pos(node.source()); }

  static std::string shown(const toml::node& node) {
    std::ostringstream found;
    node.visit([&](const auto& value) { found << value; });
    return found.str();
  }

  void check_keys(const toml::table& t, const std::vector<std::string>& known,
                  const std::string& where) {
    for (const auto& [key, node] : t) {
      const std::string name(key.str());
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = "unknown key '" + name + "' in " + where;
      if (auto hint = closest_match(name, known); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
      }
      diag_.error(pos(key.source()), message);
    }
  }

  std::optional<std::uint64_t> whole_at(const toml::table& t, const std::string& key,
                                        std::int64_t low, std::int64_t high, bool required) {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) diag_.error(pos(t), "missing required key '" + key + "' in [sweep]");
      return std::nullopt;
    }
    if (!node->is_integer() || node->as_integer()->get() < low ||
        node->as_integer()->get() > high) {
      diag_.error(pos(*node), key + " must be a whole number in [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "], found " + shown(*node));
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(node->as_integer()->get());
  }

  // A parameter value: a number, or true/false for a flag.
  std::optional<double> number_of(const toml::node& node) {
    if (node.is_integer()) return static_cast<double>(node.as_integer()->get());
    if (node.is_floating_point() && std::isfinite(node.as_floating_point()->get())) {
      return node.as_floating_point()->get();
    }
    if (node.is_boolean()) return node.as_boolean()->get() ? 1.0 : 0.0;
    return std::nullopt;
  }

  void read_sweep(const toml::table& t) {
    check_keys(t, {"scenario", "design", "replicates", "seed", "points", "sample_seed"}, "[sweep]");
    const toml::node* scenario = t.get("scenario");
    if (!scenario || !scenario->is_string()) {
      diag_.error(scenario ? pos(*scenario) : pos(t),
                  scenario ? "scenario expects a string: the base scenario's path, relative to "
                             "this file"
                           : "missing required key 'scenario' in [sweep]");
    } else {
      scenario_where_ = pos(*scenario);
      spec_.scenario_path = path_.parent_path() / scenario->as_string()->get();
    }
    const toml::node* design = t.get("design");
    const std::string design_name =
        design && design->is_string() ? design->as_string()->get() : std::string();
    if (!design) {
      diag_.error(pos(t),
                  "missing required key 'design' in [sweep]: grid, list or "
                  "latin_hypercube");
    } else if (design_name == "grid") {
      spec_.design = Design::grid;
    } else if (design_name == "list") {
      spec_.design = Design::list;
    } else if (design_name == "latin_hypercube") {
      spec_.design = Design::latin_hypercube;
    } else {
      diag_.error(pos(*design), "design must be \"grid\", \"list\" or \"latin_hypercube\", found " +
                                    shown(*design));
    }
    design_ok_ = design && (design_name == "grid" || design_name == "list" ||
                            design_name == "latin_hypercube");
    spec_.replicates = whole_at(t, "replicates", 1, std::int64_t{1} << 32, true).value_or(1);
    spec_.seed =
        whole_at(t, "seed", 0, std::numeric_limits<std::int64_t>::max(), false).value_or(1);
    const bool lhs = design_ok_ && spec_.design == Design::latin_hypercube;
    for (const char* key : {"points", "sample_seed"}) {
      if (const toml::node* node = t.get(key); node && design_ok_ && !lhs) {
        diag_.error(pos(*node), std::string(key) + " belongs to a latin_hypercube design, not a " +
                                    design_name + " (whose points come from the values)");
      }
    }
    if (lhs) {
      lhs_points_ =
          whole_at(t, "points", 1, static_cast<std::int64_t>(kMaxPoints), true).value_or(0);
      spec_.sample_seed =
          whole_at(t, "sample_seed", 0, std::numeric_limits<std::int64_t>::max(), false)
              .value_or(1);
    }
  }

  void read_parameters(const toml::table& root) {
    const toml::node* node = root.get("parameter");
    if (!node) {
      diag_.error({shown_, 1, 1}, "expected at least one [[parameter]] to sweep, found none");
      return;
    }
    const toml::array* list = node->as_array();
    if (!list || !list->is_array_of_tables() || list->empty()) {
      diag_.error(pos(*node), "expected [[parameter]] tables");
      return;
    }
    std::map<std::string, int> seen;
    for (const toml::node& item : *list) read_parameter(*item.as_table(), seen);
  }

  void read_parameter(const toml::table& t, std::map<std::string, int>& seen) {
    check_keys(t, {"name", "values", "low", "high"}, "[[parameter]]");
    const toml::node* name = t.get("name");
    if (!name || !name->is_string()) {
      diag_.error(name ? pos(*name) : pos(t),
                  name ? "name expects a string: a parameter as for --set"
                       : "missing required key 'name' in [[parameter]]");
      return;
    }
    ParameterEntry entry;
    entry.name = name->as_string()->get();
    entry.where = pos(*name);
    const auto param = find_param(entry.name);
    if (!param) {
      std::vector<std::string> names;
      for (const ParamSpec& p : kParams) names.emplace_back(p.name);
      std::string message = "unknown parameter '" + entry.name + "'";
      if (entry.name == "run.seed" || entry.name == "run.replicates") {
        message += ": a sweep sets the seed and the replicates in [sweep], for every point";
      } else if (auto hint = closest_match(entry.name, names); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
      }
      diag_.error(entry.where, message);
      return;
    }
    entry.param = *param;
    if (const auto [it, fresh] = seen.emplace(entry.name, entry.where.line); !fresh) {
      diag_.error(entry.where, "parameter '" + entry.name + "' is swept twice (first at line " +
                                   std::to_string(it->second) + ")");
      return;
    }
    if (!design_ok_) return;
    const bool lhs = spec_.design == Design::latin_hypercube;
    const toml::node* values = t.get("values");
    const toml::node* low = t.get("low");
    const toml::node* high = t.get("high");
    if (lhs) {
      if (values) {
        diag_.error(pos(*values),
                    "a latin_hypercube parameter takes 'low' and 'high', not 'values'");
        return;
      }
      if (!low || !high) {
        diag_.error(entry.where, "a latin_hypercube parameter needs 'low' and 'high'");
        return;
      }
      const auto low_value = checked_value(*low, entry);
      const auto high_value = checked_value(*high, entry);
      if (!low_value || !high_value) return;
      if (*high_value < *low_value) {
        diag_.error(pos(*high), "high must not be below low (" + exact_text(*low_value) +
                                    "), found " + shown(*high));
        return;
      }
      entry.range = ParameterRange{*low_value, *high_value};
      entry.range_where = pos(*low);
    } else {
      for (const toml::node* extra : {low, high}) {
        if (extra) {
          diag_.error(pos(*extra), std::string("a ") + to_string(spec_.design) +
                                       " parameter takes 'values', not 'low' or 'high'");
        }
      }
      if (!values) {
        diag_.error(entry.where, "missing required key 'values' in [[parameter]]");
        return;
      }
      const toml::array* array = values->as_array();
      if (!array || array->empty()) {
        diag_.error(pos(*values),
                    "values expects a non-empty array of numbers, found " + shown(*values));
        return;
      }
      for (const toml::node& value : *array) {
        const auto checked = checked_value(value, entry);
        if (!checked) continue;
        entry.values.push_back(*checked);
        entry.value_where.push_back(pos(value));
      }
    }
    entries_.push_back(std::move(entry));
  }

  // A value of `entry`, inside the parameter's domain, or an error at the value.
  std::optional<double> checked_value(const toml::node& node, const ParameterEntry& entry) {
    const auto value = number_of(node);
    if (!value) {
      diag_.error(pos(node),
                  entry.name + " expects a number" +
                      (spec(entry.param).domain == ParamDomain::flag ? std::string(" or true/false")
                                                                     : std::string()) +
                      ", found " + shown(node));
      return std::nullopt;
    }
    if (const std::string expected = check_domain(entry.param, *value); !expected.empty()) {
      diag_.error(pos(node), entry.name + " must be " + expected + ", found " + shown(node));
      return std::nullopt;
    }
    return value;
  }

  void make_points() {
    std::vector<std::vector<double>> columns;
    for (const ParameterEntry& entry : entries_) {
      spec_.parameters.push_back(entry.name);
      columns.push_back(entry.values);
    }
    switch (spec_.design) {
      case Design::grid: {
        double total = 1;
        for (const auto& column : columns) total *= static_cast<double>(column.size());
        if (total > static_cast<double>(kMaxPoints)) {
          diag_.error(entries_.front().where, "the grid has " + exact_text(total) +
                                                  " points, more than the " +
                                                  std::to_string(kMaxPoints) + " a sweep may have");
          return;
        }
        spec_.points = grid_points(columns);
        break;
      }
      case Design::list:
        for (const ParameterEntry& entry : entries_) {
          if (entry.values.size() != entries_.front().values.size()) {
            diag_.error(entry.where,
                        "a list design gives one value per point for every parameter: '" +
                            entry.name + "' has " + std::to_string(entry.values.size()) +
                            " values, '" + entries_.front().name + "' has " +
                            std::to_string(entries_.front().values.size()));
          }
        }
        if (entries_.front().values.size() > kMaxPoints) {
          diag_.error(entries_.front().where,
                      "more than the " + std::to_string(kMaxPoints) + " points a sweep may have");
        }
        if (!diag_.has_errors()) spec_.points = list_points(columns);
        break;
      case Design::latin_hypercube: {
        std::vector<ParameterRange> ranges;
        for (const ParameterEntry& entry : entries_) ranges.push_back(*entry.range);
        spec_.points = latin_hypercube_points(ranges, lhs_points_, spec_.sample_seed);
        break;
      }
    }
  }

  // The base scenario, then the scenario at each parameter's smallest and largest value: the
  // loader may accept less than the parameter's domain (a whole population.size, say), and any
  // value in between is then accepted too. An error is reported at the value's own position.
  void check_against_scenario() {
    Diagnostics scenario_diagnostics;
    auto scenario = load_scenario(spec_.scenario_path, LoadOptions{}, scenario_diagnostics);
    for (const Diagnostic& d : scenario_diagnostics.all()) {
      if (d.severity == Severity::error) diag_.error(d.where, d.message);
    }
    if (!scenario) {
      diag_.error(scenario_where_,
                  "the base scenario '" + spec_.scenario_path.string() + "' has errors (above)");
      return;
    }
    spec_.scenario_name = scenario->name;
    spec_.scenario_hash = scenario->hash;
    for (std::size_t p = 0; p < entries_.size(); ++p) {
      const ParameterEntry& entry = entries_[p];
      std::vector<std::pair<double, SourcePosition>> extremes;
      if (entry.range) {
        extremes = {{entry.range->low, entry.range_where}, {entry.range->high, entry.range_where}};
      } else {
        const auto [low, high] = std::minmax_element(entry.values.begin(), entry.values.end());
        extremes = {
            {*low, entry.value_where[static_cast<std::size_t>(low - entry.values.begin())]},
            {*high, entry.value_where[static_cast<std::size_t>(high - entry.values.begin())]}};
      }
      for (const auto& [value, where] : extremes) {
        Diagnostics point_diagnostics;
        const std::string set = entry.name + "=" + exact_text(value);
        if (!load_scenario(spec_.scenario_path, LoadOptions{{set}}, point_diagnostics)) {
          for (const Diagnostic& d : point_diagnostics.all()) {
            if (d.severity != Severity::error) continue;
            diag_.error(where, "the scenario does not accept " + set + ": " + d.message);
            break;
          }
          break;
        }
      }
    }
  }

  fs::path path_;
  std::string shown_;
  Diagnostics& diag_;
  SweepSpec spec_;
  SourcePosition scenario_where_;
  bool design_ok_ = false;
  std::uint64_t lhs_points_ = 0;
  std::vector<ParameterEntry> entries_;
};

}  // namespace

std::vector<std::string> SweepSpec::overrides(std::uint64_t point) const {
  std::vector<std::string> sets;
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    sets.push_back(parameters[p] + "=" + exact_text(points.at(point).at(p)));
  }
  return sets;
}

std::optional<SweepSpec> load_sweep(const fs::path& path, Diagnostics& diagnostics) {
  return SweepLoader(path, diagnostics).load();
}

}  // namespace tumen::sweep
