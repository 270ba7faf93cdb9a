// Reads CALIB.toml (docs/calibration.md) with toml++, as the scenario loader reads scenarios:
// every problem is collected with its position, and the base scenario and the observed table
// are checked against each other before any simulation runs.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/proposal_stream.hpp"
#include "tumen/csv_table.hpp"
#include "tumen/limits.hpp"
#include "tumen/model.hpp"
#include "tumen/parameters.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/text_file.hpp"
#include "tumen/toml_text.hpp"

namespace tumen::calibration {

namespace fs = std::filesystem;

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

class CalibrationLoader {
 public:
  CalibrationLoader(const fs::path& path, Diagnostics& diagnostics)
      : path_(path), shown_(path.string()), diag_(diagnostics) {}

  std::optional<CalibrationSpec> load() {
    std::string why;
    auto text = read_text_file(path_, limits::kScenarioFileBytes, why);
    if (!text) {
      diag_.error({shown_, 0, 0}, "cannot open calibration file: " + why);
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
    check_keys(root, {"calibration", "observed", "distance", "stop", "parameter"}, "the file");
    const toml::table* calibration = table(root, "calibration", true);
    const toml::table* observed = table(root, "observed", true);
    read_calibration(calibration);
    read_stop(table(root, "stop", false));
    read_distance(table(root, "distance", false));
    read_parameters(root);
    const fs::path folder = path_.parent_path();
    std::optional<fs::path> observed_file;
    const toml::node* destinations_node = nullptr;
    std::optional<int> first_year, last_year;
    std::string year_column = "year", total_column = "total", female_column = "female";
    if (observed) {
      check_keys(*observed,
                 {"file", "year_column", "total_column", "female_column", "first_year", "last_year",
                  "destinations"},
                 "[observed]");
      if (auto file = string_at(*observed, "file", "[observed]", true)) {
        observed_file = folder / *file;
      }
      year_column = string_at(*observed, "year_column", "[observed]", false).value_or(year_column);
      total_column =
          string_at(*observed, "total_column", "[observed]", false).value_or(total_column);
      female_column =
          string_at(*observed, "female_column", "[observed]", false).value_or(female_column);
      first_year = year_at(*observed, "first_year");
      last_year = year_at(*observed, "last_year");
      if (first_year && last_year && *first_year > *last_year) {
        diag_.error(pos(*observed->get("last_year")),
                    "last_year must not come before first_year (" + std::to_string(*first_year) +
                        "), found " + std::to_string(*last_year));
      }
      destinations_node = observed->get("destinations");
      read_destinations(*observed);
    }
    if (diag_.has_errors()) return std::nullopt;

    // The base scenario, loaded as `tumen run` would load it without --set.
    Diagnostics scenario_diagnostics;
    auto scenario = load_scenario(spec_.scenario_path, LoadOptions{}, scenario_diagnostics);
    for (const Diagnostic& d : scenario_diagnostics.all()) {
      if (d.severity == Severity::error) {
        diag_.error(d.where, d.message);
      } else {
        diag_.warning(d.where, d.message);
      }
    }
    if (!scenario) {
      diag_.error(scenario_where_,
                  "the base scenario '" + spec_.scenario_path.string() + "' has errors (above)");
      return std::nullopt;
    }
    spec_.scenario_name = scenario->name;
    spec_.scenario_hash = scenario->hash;
    const Date start = scenario->start;
    const Date end = scenario->end;
    const Model model(std::move(*scenario), Period::year);
    check_destinations(model, destinations_node);
    if (observed_file) {
      read_observed(*observed_file, year_column, total_column, female_column, first_year, last_year,
                    start, end);
    }
    if (diag_.has_errors()) return std::nullopt;
    return std::move(spec_);
  }

 private:
  static SourcePosition pos_in(const std::string& path, const toml::source_region& region) {
    return {path, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  SourcePosition pos(const toml::source_region& region) const { return pos_in(shown_, region); }
  SourcePosition pos(const toml::node& node) const { return pos(node.source()); }

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

  const toml::table* table(const toml::table& root, const std::string& name, bool required) {
    const toml::node* node = root.get(name);
    if (!node) {
      if (required) diag_.error({shown_, 1, 1}, "missing required table [" + name + "]");
      return nullptr;
    }
    if (!node->is_table()) {
      diag_.error(pos(*node), "expected a table [" + name + "], found another kind of value");
      return nullptr;
    }
    return node->as_table();
  }

  std::optional<std::string> string_at(const toml::table& t, const std::string& key,
                                       const std::string& where, bool required) {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) diag_.error(pos(t), "missing required key '" + key + "' in " + where);
      return std::nullopt;
    }
    if (!node->is_string()) {
      diag_.error(pos(*node), key + " expects a string");
      return std::nullopt;
    }
    return node->as_string()->get();
  }

  // A number (integer or float) with `valid(value)` true, else an error saying `expected`.
  template <typename Valid>
  std::optional<double> number_at(const toml::table& t, const std::string& key,
                                  const std::string& expected, Valid valid, bool required = false,
                                  const std::string& where = "") {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) diag_.error(pos(t), "missing required key '" + key + "' in " + where);
      return std::nullopt;
    }
    std::optional<double> value;
    if (node->is_integer()) value = static_cast<double>(node->as_integer()->get());
    if (node->is_floating_point()) value = node->as_floating_point()->get();
    if (!value || std::isnan(*value) || !valid(*value)) {
      std::ostringstream found;
      node->visit([&](const auto& shown) { found << shown; });
      diag_.error(pos(*node), key + " must be " + expected + ", found " + found.str());
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::uint64_t> integer_at(const toml::table& t, const std::string& key,
                                          std::int64_t low, std::int64_t high,
                                          bool required = false, const std::string& where = "") {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) diag_.error(pos(t), "missing required key '" + key + "' in " + where);
      return std::nullopt;
    }
    if (!node->is_integer() || node->as_integer()->get() < low ||
        node->as_integer()->get() > high) {
      std::ostringstream found;
      node->visit([&](const auto& value) { found << value; });
      diag_.error(pos(*node), key + " must be a whole number in [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "], found " + found.str());
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(node->as_integer()->get());
  }

  std::optional<int> year_at(const toml::table& t, const std::string& key) {
    const auto year = integer_at(t, key, 1, 9999);
    return year ? std::optional<int>(static_cast<int>(*year)) : std::nullopt;
  }

  void read_calibration(const toml::table* t) {
    if (!t) return;
    check_keys(*t, {"scenario", "particles", "seed", "replicates", "quantile", "initial_tolerance"},
               "[calibration]");
    if (const toml::node* node = t->get("scenario")) scenario_where_ = pos(*node);
    if (auto scenario = string_at(*t, "scenario", "[calibration]", true)) {
      spec_.scenario_path = path_.parent_path() / *scenario;
    }
    spec_.particles = integer_at(*t, "particles", 2, 1'000'000, true, "[calibration]").value_or(0);
    spec_.seed = integer_at(*t, "seed", 0, std::numeric_limits<std::int64_t>::max()).value_or(1);
    spec_.replicates =
        integer_at(*t, "replicates", 1, static_cast<std::int64_t>(kMaxReplicatesPerParticle))
            .value_or(1);
    spec_.quantile = number_at(*t, "quantile", "in (0, 1)", [](double v) {
                       return v > 0.0 && v < 1.0;
                     }).value_or(0.5);
    spec_.initial_tolerance = number_at(*t, "initial_tolerance", "a positive number", [](double v) {
                                return v > 0.0;
                              }).value_or(kInfinity);
  }

  void read_stop(const toml::table* t) {
    if (!t) return;
    check_keys(*t, {"target_tolerance", "min_acceptance_rate", "max_generations"}, "[stop]");
    spec_.stop.target_tolerance =
        number_at(*t, "target_tolerance", "a finite number >= 0", [](double v) {
          return v >= 0.0 && std::isfinite(v);
        }).value_or(0.0);
    spec_.stop.min_acceptance_rate =
        number_at(*t, "min_acceptance_rate", "in [0, 1)", [](double v) {
          return v >= 0.0 && v < 1.0;
        }).value_or(0.01);
    spec_.stop.max_generations =
        integer_at(*t, "max_generations", 1, static_cast<std::int64_t>(kMaxGenerations))
            .value_or(20);
  }

  void read_distance(const toml::table* t) {
    if (!t) return;
    check_keys(*t, {"total_weight", "female_share_weight"}, "[distance]");
    auto nonnegative = [](double v) { return v >= 0.0 && std::isfinite(v); };
    spec_.weights.total =
        number_at(*t, "total_weight", "a finite number >= 0", nonnegative).value_or(1.0);
    spec_.weights.female_share =
        number_at(*t, "female_share_weight", "a finite number >= 0", nonnegative).value_or(1.0);
    if (spec_.weights.total == 0.0 && spec_.weights.female_share == 0.0) {
      diag_.error(pos(*t), "at least one of total_weight and female_share_weight must be > 0");
    }
  }

  void read_parameters(const toml::table& root) {
    const toml::node* node = root.get("parameter");
    if (!node) {
      diag_.error({shown_, 1, 1}, "expected at least one [[parameter]] to fit, found none");
      return;
    }
    const toml::array* list = node->as_array();
    if (!list || !list->is_array_of_tables()) {
      diag_.error(pos(*node), "expected [[parameter]] tables");
      return;
    }
    std::map<std::string, SourcePosition> seen;
    for (const toml::node& item : *list) read_parameter(*item.as_table(), seen);
  }

  void read_parameter(const toml::table& t, std::map<std::string, SourcePosition>& seen) {
    check_keys(t, {"name", "prior", "low", "high", "mean", "sd"}, "[[parameter]]");
    const auto name = string_at(t, "name", "[[parameter]]", true);
    const auto kind = string_at(t, "prior", "[[parameter]]", true);
    if (!name || !kind) return;
    const SourcePosition where = pos(*t.get("name"));
    const auto param = find_param(*name);
    if (!param) {
      std::vector<std::string> names;
      for (const ParamSpec& p : kParams) names.emplace_back(p.name);
      std::string message = "unknown parameter '" + *name + "'";
      if (auto hint = closest_match(*name, names); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
      }
      diag_.error(where, message);
      return;
    }
    if (const auto [it, fresh] = seen.emplace(*name, where); !fresh) {
      diag_.error(where, "parameter '" + *name + "' is fitted twice (first at line " +
                             std::to_string(it->second.line) + ")");
      return;
    }
    auto any = [](double) { return true; };
    const auto low = number_at(t, "low", "a finite number", any);
    const auto high = number_at(t, "high", "a finite number", any);
    const auto mean = number_at(t, "mean", "a finite number", any);
    const auto sd = number_at(t, "sd", "a finite number", any);
    const SourcePosition prior_where = pos(*t.get("prior"));
    auto require = [&](const std::optional<double>& value, const char* key) {
      if (!value && !t.get(key)) {
        diag_.error(prior_where, "a " + *kind + " prior needs '" + key + "'");
      }
      return value.has_value();
    };
    auto refuse = [&](const char* key) {
      if (const toml::node* extra = t.get(key)) {
        diag_.error(pos(*extra), "a " + *kind + " prior takes no '" + key + "'");
      }
    };
    std::optional<Prior> prior;
    try {
      if (*kind == "uniform" || *kind == "log_uniform") {
        refuse("mean");
        refuse("sd");
        // Both are checked, so that a file missing both hears of both.
        const bool has_low = require(low, "low");
        const bool has_high = require(high, "high");
        if (has_low && has_high) {
          prior =
              *kind == "uniform" ? Prior::uniform(*low, *high) : Prior::log_uniform(*low, *high);
        }
      } else if (*kind == "normal") {
        refuse("low");
        refuse("high");
        const bool has_mean = require(mean, "mean");
        const bool has_sd = require(sd, "sd");
        if (has_mean && has_sd) prior = Prior::normal(*mean, *sd);
      } else if (*kind == "truncated_normal") {
        const bool has_mean = require(mean, "mean");
        const bool has_sd = require(sd, "sd");
        if (has_mean && has_sd) {
          if (!t.get("low") && !t.get("high")) {
            diag_.error(prior_where, "a truncated_normal prior needs 'low', 'high' or both");
          } else if ((low || !t.get("low")) && (high || !t.get("high"))) {
            prior = Prior::truncated_normal(*mean, *sd, low.value_or(-kInfinity),
                                            high.value_or(kInfinity));
          }
        }
      } else {
        std::string message = "unknown prior '" + *kind +
                              "'; expected uniform, log_uniform, normal or truncated_normal";
        if (auto hint =
                closest_match(*kind, {"uniform", "log_uniform", "normal", "truncated_normal"});
            !hint.empty()) {
          message += "; did you mean '" + hint + "'?";
        }
        diag_.error(prior_where, message);
      }
    } catch (const std::invalid_argument& bad) {
      diag_.error(prior_where, bad.what());
    }
    if (!prior) return;
    // Every value the prior can give must be a valid value of the parameter.
    const std::string low_problem = check_domain(*param, prior->low());
    const std::string high_problem = check_domain(*param, prior->high());
    if (!low_problem.empty() || !high_problem.empty()) {
      diag_.error(prior_where, "the prior " + prior->describe() + " reaches values that " + *name +
                                   " cannot take: it must be " +
                                   (low_problem.empty() ? high_problem : low_problem) +
                                   "; bound the prior (low, high)");
      return;
    }
    spec_.parameters.push_back({*name, *prior, where});
  }

  void read_destinations(const toml::table& t) {
    const toml::node* node = t.get("destinations");
    if (!node) {
      diag_.error(pos(t), "missing required key 'destinations' in [observed]");
      return;
    }
    const toml::array* list = node->as_array();
    if (!list || list->empty()) {
      diag_.error(pos(*node), "destinations expects a non-empty array of place names");
      return;
    }
    for (const toml::node& item : *list) {
      if (!item.is_string()) {
        diag_.error(pos(item), "destinations expects place names (strings)");
        continue;
      }
      const std::string& name = item.as_string()->get();
      if (std::find(spec_.destinations.begin(), spec_.destinations.end(), name) !=
          spec_.destinations.end()) {
        diag_.error(pos(item), "destination '" + name + "' is listed twice");
        continue;
      }
      spec_.destinations.push_back(name);
    }
  }

  void check_destinations(const Model& model, const toml::node* node) {
    const Scenario& scenario = model.scenario();
    std::vector<std::string> destination_names;
    for (const std::uint32_t place : model.network().destinations()) {
      destination_names.push_back(scenario.places[place].name);
    }
    const toml::array* list = node ? node->as_array() : nullptr;
    for (std::size_t i = 0; i < spec_.destinations.size(); ++i) {
      const std::string& name = spec_.destinations[i];
      if (std::find(destination_names.begin(), destination_names.end(), name) !=
          destination_names.end()) {
        continue;
      }
      std::string message = "'" + name + "' is not a destination of the base scenario";
      if (auto hint = closest_match(name, destination_names); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
      }
      const toml::node* item = list && i < list->size() ? list->get(i) : node;
      diag_.error(item ? pos(*item) : SourcePosition{shown_, 0, 0}, message);
    }
  }

  void read_observed(const fs::path& file, const std::string& year_column,
                     const std::string& total_column, const std::string& female_column,
                     std::optional<int> first_year, std::optional<int> last_year, Date start,
                     Date end) {
    const std::string shown = file.string();
    std::string why;
    auto text = read_text_file(file, limits::kTableFileBytes, why);
    if (!text) {
      diag_.error({shown, 0, 0}, "cannot open the observed table: " + why);
      return;
    }
    auto table = CsvTable::parse(shown, *text, diag_);
    if (!table) return;
    auto column = [&](const std::string& name, bool required) -> std::optional<std::size_t> {
      if (name.empty()) return std::nullopt;
      if (auto index = table->column(name)) return index;
      if (required || !female_column.empty()) {
        std::vector<std::string> names;
        for (const CsvField& field : table->header()) names.push_back(field.text);
        std::string message = "missing column '" + name + "'";
        if (auto hint = closest_match(name, names); !hint.empty()) {
          message += "; did you mean '" + hint + "'?";
        }
        if (!required) message += " (female_column = \"\" fits the totals only)";
        diag_.error({shown, 1, 1}, message);
      }
      return std::nullopt;
    };
    const auto year_index = column(year_column, true);
    const auto total_index = column(total_column, true);
    const auto female_index = column(female_column, false);
    if (!year_index || !total_index || (!female_column.empty() && !female_index)) return;

    std::map<int, int> seen;  // year -> line
    for (const auto& row : table->rows()) {
      const CsvField& year_field = row[*year_index];
      const auto year_value = parse_number(year_field.text);
      if (!year_value || *year_value != std::floor(*year_value) || *year_value < 1 ||
          *year_value > 9999) {
        diag_.error({shown, year_field.line, year_field.column},
                    "year must be a whole number, found '" + year_field.text + "'");
        continue;
      }
      const int year = static_cast<int>(*year_value);
      if (const auto [it, fresh] = seen.emplace(year, year_field.line); !fresh) {
        diag_.error({shown, year_field.line, year_field.column},
                    "year " + std::to_string(year) + " appears twice (first on line " +
                        std::to_string(it->second) + ")");
        continue;
      }
      if ((first_year && year < *first_year) || (last_year && year > *last_year)) continue;
      ObservedYear observed{year, std::nullopt, std::nullopt};
      const CsvField& total_field = row[*total_index];
      if (!is_blank(total_field.text)) {
        const auto total = parse_number(total_field.text);
        if (!total || *total < 0.0) {
          diag_.error({shown, total_field.line, total_field.column},
                      total_column + " must be a number >= 0 or blank (missing), found '" +
                          total_field.text + "'");
          continue;
        }
        observed.total = *total;
      }
      if (female_index && !is_blank(row[*female_index].text)) {
        const CsvField& female_field = row[*female_index];
        const auto female = parse_number(female_field.text);
        if (!female || *female < 0.0 || (observed.total && *female > *observed.total)) {
          diag_.error({shown, female_field.line, female_field.column},
                      female_column + " must be a number in [0, " + total_column +
                          "] or blank (missing), found '" + female_field.text + "'");
          continue;
        }
        // A share needs both counts; a year with a total of 0 has none.
        if (observed.total && *observed.total > 0.0) {
          observed.female_share = *female / *observed.total;
        }
      }
      if (!observed.total && !observed.female_share) continue;
      if (year < start.year() || year > end.year()) {
        diag_.error({shown, year_field.line, year_field.column},
                    "year " + std::to_string(year) + " lies outside the base scenario's years " +
                        std::to_string(start.year()) + "-" + std::to_string(end.year()) +
                        "; leave it out with first_year or last_year in [observed]");
        continue;
      }
      if ((year == start.year() && (start.month() != 1 || start.day_of_month() != 1)) ||
          (year == end.year() && (end.month() != 12 || end.day_of_month() != 31))) {
        diag_.warning({shown, year_field.line, year_field.column},
                      "the base scenario simulates only part of " + std::to_string(year) +
                          ", but the observed value covers the whole year");
      }
      spec_.observed.push_back(observed);
    }
    std::sort(spec_.observed.begin(), spec_.observed.end(),
              [](const ObservedYear& a, const ObservedYear& b) { return a.year < b.year; });
    if (spec_.observed.empty() && !diag_.has_errors()) {
      diag_.error({shown, 0, 0}, "no observed value in the chosen years");
    }
  }

  fs::path path_;
  std::string shown_;
  Diagnostics& diag_;
  CalibrationSpec spec_;
  SourcePosition scenario_where_;
};

}  // namespace

std::optional<CalibrationSpec> load_calibration(const fs::path& path, Diagnostics& diagnostics) {
  return CalibrationLoader(path, diagnostics).load();
}

}  // namespace tumen::calibration
