#include "tumen/scenario_loader.hpp"

#include <openssl/evp.h>

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <queue>
#include <set>
#include <sstream>

#include "tumen/csv_table.hpp"
#include "tumen/limits.hpp"
#include "tumen/network.hpp"
#include "tumen/set_override.hpp"
#include "tumen/text_file.hpp"
#include "tumen/toml_text.hpp"

namespace tumen {

namespace fs = std::filesystem;

namespace {

std::string mebibytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string format_value(double v) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, ptr);
}

// The hash covers what fixes the results: every file's name and bytes, the --set list and every
// effective value, each length-prefixed so that no two different scenarios serialise alike.
std::string scenario_hash(const Scenario& s) {
  std::string canonical;
  auto add = [&](std::string_view piece) {
    canonical += std::to_string(piece.size());
    canonical += ':';
    canonical += piece;
  };
  for (const auto& f : s.files) {
    add(f.path);
    add(f.text);
  }
  for (const auto& o : s.set_overrides) add(o);
  for (std::size_t i = 0; i < kParamCount; ++i) {
    add(kParams[i].name);
    add(format_value(s.values[i]));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr);
  return hex(digest, length);
}

class Loader {
 public:
  Loader(const LoadOptions& options, Diagnostics& diagnostics)
      : options_(options), diag_(diagnostics) {}

  std::optional<Scenario> load(const fs::path& path) {
    main_folder_ = path.parent_path();
    path_ = path.string();
    std::vector<fs::path> stack;
    if (!load_document(path, stack, nullptr)) return std::nullopt;
    scenario_.values = {};
    for (std::size_t i = 0; i < kParamCount; ++i) scenario_.values[i] = kParams[i].default_value;

    read_documents();
    apply_overrides();
    if (diag_.has_errors()) return std::nullopt;
    check_network();
    if (diag_.has_errors()) return std::nullopt;
    check_limits();
    if (diag_.has_errors()) return std::nullopt;
    scenario_.set_overrides = options_.set_overrides;
    scenario_.hash = scenario_hash(scenario_);
    return std::move(scenario_);
  }

 private:
  // One TOML file of the scenario. Included files come before the files that include them, so
  // reading the documents in order lets later files override earlier ones.
  struct Document {
    std::unique_ptr<toml::table> root;
    std::string path;  // as shown in messages
    fs::path folder;   // CSV tables named in this file are relative to it
  };

  bool load_document(const fs::path& path, std::vector<fs::path>& stack,
                     const toml::node* included_at) {
    const std::string shown = path.string();
    const SourcePosition where = included_at ? pos(*included_at) : SourcePosition{shown, 0, 0};
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
      std::string chain;
      for (const auto& p : stack) chain += p.filename().string() + " -> ";
      diag_.error(where, "include cycle: " + chain + canonical.filename().string());
      return false;
    }
    if (stack.size() >= limits::kIncludeDepth) {
      diag_.error(where, "includes nested deeper than " + std::to_string(limits::kIncludeDepth));
      return false;
    }
    if (++documents_read_ > limits::kScenarioFiles) {
      diag_.error(where, "more than " + std::to_string(limits::kScenarioFiles) +
                             " scenario files to read, counting a file included twice twice");
      return false;
    }
    std::string why;
    auto text = read_text_file(path, limits::kScenarioFileBytes, why);
    if (!text) {
      diag_.error(where, included_at ? "cannot open included scenario '" + shown + "': " + why
                                     : "cannot open scenario: " + why);
      return false;
    }
    int line = 0, column = 0;
    if (!is_clean_text(*text, line, column)) {
      diag_.error({shown, line, column}, "expected UTF-8 text, found a binary or non-UTF-8 byte");
      return false;
    }
    if (!non_ascii_only_in_strings(*text, line, column)) {
      diag_.error({shown, line, column},
                  "a character beyond ASCII outside a string or a comment: TOML allows those only "
                  "in quoted strings and comments");
      return false;
    }
    scenario_.files.push_back({display_name(path), *text});
    auto root = std::make_unique<toml::table>();
    try {
      *root = toml::parse(*text, shown);
    } catch (const toml::parse_error& e) {
      diag_.error(pos(shown, e.source()), std::string(e.description()));
      return false;
    }
    stack.push_back(canonical);
    bool ok = true;
    if (const toml::node* include = root->get("include")) {
      std::vector<const toml::node*> names;
      if (const auto* array = include->as_array()) {
        for (const auto& item : *array) names.push_back(&item);
      } else {
        names.push_back(include);
      }
      for (const toml::node* name : names) {
        const auto relative = get_string(*name, "include");
        if (!relative) {
          ok = false;
          continue;
        }
        ok = load_document(path.parent_path() / *relative, stack, name) && ok;
      }
    }
    stack.pop_back();
    documents_.push_back({std::move(root), shown, path.parent_path()});
    return ok;
  }

  // A file's name relative to the main scenario's folder: the same whatever the working folder,
  // so that the scenario hash depends on content only.
  std::string display_name(const fs::path& path) const {
    return path.lexically_relative(main_folder_).lexically_normal().generic_string();
  }

 private:
  static SourcePosition pos(const std::string& path, const toml::source_region& region) {
    return {path, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  // Every node knows the file it came from, which matters once files include each other.
  SourcePosition pos(const toml::node& node) const {
    return pos(node.source().path ? *node.source().path : path_, node.source());
  }
  SourcePosition pos(const toml::key& key) const {
    return pos(key.source().path ? *key.source().path : path_, key.source());
  }

  void unknown_key(const toml::key& key, const std::vector<std::string>& known,
                   const std::string& where) {
    std::string message = "unknown key '" + std::string(key.str()) + "' in " + where;
    if (auto hint = closest_match(std::string(key.str()), known); !hint.empty()) {
      message += "; did you mean '" + hint + "'?";
    }
    diag_.error(pos(key), message);
  }

  static const char* type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table:
        return "a table";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a number";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::date:
        return "a date";
      case toml::node_type::time:
        return "a time";
      case toml::node_type::date_time:
        return "a date-time";
      default:
        return "nothing";
    }
  }

  void wrong_type(const toml::node& node, const std::string& what, const char* expected) {
    diag_.error(pos(node), "'" + what + "' must be " + expected + ", found " + type_name(node));
  }

  // Free text and file paths may be longer than names and ids.
  static std::size_t string_limit(const std::string& what) {
    if (what == "scenario.description" || what.ends_with(".note")) {
      return limits::kDescriptionBytes;
    }
    if (what == "include" || what == "scenario.places" || what == "scenario.routes") return 4096;
    return limits::kNameBytes;
  }

  std::optional<std::string> get_string(const toml::node& node, const std::string& what) {
    if (const auto* s = node.as_string()) {
      const std::size_t limit = string_limit(what);
      if (s->get().size() > limit) {
        diag_.error(pos(node), what + ": a string of " + std::to_string(s->get().size()) +
                                   " bytes, longer than the " + std::to_string(limit) + " allowed");
        return std::nullopt;
      }
      return s->get();
    }
    wrong_type(node, what, "a string");
    return std::nullopt;
  }

  std::optional<double> get_number(const toml::node& node, const std::string& what) {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) {
      if (!std::isfinite(f->get())) {
        diag_.error(pos(node),
                    "'" + what + "' must be a finite number, found " + format_value(f->get()));
        return std::nullopt;
      }
      return f->get();
    }
    if (const auto* b = node.as_boolean()) return b->get() ? 1.0 : 0.0;
    wrong_type(node, what, "a number");
    return std::nullopt;
  }

  std::optional<std::int64_t> get_integer(const toml::node& node, const std::string& what,
                                          std::int64_t minimum) {
    const auto* i = node.as_integer();
    if (!i) {
      wrong_type(node, what, "an integer");
      return std::nullopt;
    }
    if (i->get() < minimum) {
      diag_.error(pos(node), "'" + what + "' must be at least " + std::to_string(minimum) +
                                 ", found " + std::to_string(i->get()));
      return std::nullopt;
    }
    return i->get();
  }

  std::optional<Date> get_date(const toml::node& node, const std::string& what) {
    if (const auto* d = node.as_date()) {
      const toml::date v = d->get();
      return Date::from_ymd(v.year, v.month, v.day);
    }
    if (const auto* s = node.as_string()) {
      if (auto parsed = Date::parse_iso(s->get())) return parsed;
      diag_.error(pos(node), "'" + what + "' must be a date YYYY-MM-DD, found '" + s->get() + "'");
      return std::nullopt;
    }
    wrong_type(node, what, "a date (YYYY-MM-DD)");
    return std::nullopt;
  }

  // --- top level -------------------------------------------------------------------------------

  std::vector<std::string> parameter_sections() const {
    std::vector<std::string> sections;
    for (const auto& p : kParams) {
      std::string section{p.name.substr(0, p.name.find('.'))};
      if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
        sections.push_back(section);
      }
    }
    return sections;
  }

  void read_documents() {
    std::vector<std::string> known = {"include", "drop",     "scenario",
                                      "run",     "timeline", "mass_return"};
    const auto sections = parameter_sections();
    known.insert(known.end(), sections.begin(), sections.end());

    for (const Document& document : documents_) {
      for (auto&& [key, node] : *document.root) {
        const std::string k{key.str()};
        if (k == "include") {
          // read when the document was loaded
        } else if (k == "drop") {
          read_drop(node);
        } else if (k == "scenario") {
          collect_scenario_keys(node, document);
        } else if (k == "run") {
          read_run(node);
        } else if (k == "timeline" || k == "mass_return") {
          collect_entries(k, node);  // read once the places and routes exist
        } else if (std::find(sections.begin(), sections.end(), k) != sections.end()) {
          read_parameter_section(k, node);
        } else {
          unknown_key(key, known, "the scenario file");
        }
      }
    }
    if (scenario_keys_.empty()) {
      diag_.error({path_, 1, 1}, "missing table [scenario] with name, dates, places and routes");
      return;
    }
    read_scenario_keys();
    read_timeline();
    read_mass_returns();
    for (const auto& [id, where] : drops_) {
      if (!dropped_ids_used_.contains(id)) {
        diag_.error(where, "drop: no [[timeline]] or [[mass_return]] entry has id '" + id + "'");
      }
    }
  }

  void read_drop(const toml::node& node) {
    const auto* array = node.as_array();
    if (!array) return wrong_type(node, "drop", "an array of entry ids");
    for (const auto& item : *array) {
      if (auto id = get_string(item, "drop")) drops_.emplace(*id, pos(item));
    }
  }

  struct Entry {
    const toml::table* table;
    const toml::node* node;
  };

  void collect_entries(const std::string& kind, const toml::node& node) {
    const auto* array = node.as_array();
    if (!array)
      return wrong_type(node, kind,
                        kind == "timeline" ? "an array of tables ([[timeline]])"
                                           : "an array of tables ([[mass_return]])");
    for (const auto& item : *array) {
      const auto* table = item.as_table();
      if (!table) {
        wrong_type(item, kind + " entry", "a table");
        continue;
      }
      (kind == "timeline" ? timeline_entries_ : mass_return_entries_).push_back({table, &item});
    }
  }

  // True when the entry has an id listed in a `drop`; checks the id's type and uniqueness.
  bool dropped(const toml::table& table, const char* kind) {
    const toml::node* id_node = table.get("id");
    if (!id_node) return false;
    const auto id = get_string(*id_node, std::string(kind) + ".id");
    if (!id) return false;
    if (!entry_ids_.emplace(*id).second) {
      diag_.error(pos(*id_node), "duplicate entry id '" + *id + "'");
    }
    if (drops_.contains(*id)) {
      dropped_ids_used_.insert(*id);
      return true;
    }
    return false;
  }

  struct KeyInFile {
    const toml::node* node;
    const Document* document;
  };

  // [scenario] keys of every file; a later file's key replaces an earlier one's.
  void collect_scenario_keys(const toml::node& node, const Document& document) {
    const auto* table = node.as_table();
    if (!table) return wrong_type(node, "scenario", "a table");
    static const std::vector<std::string> known = {
        "name", "description", "start_date", "end_date", "home_country", "places", "routes"};
    if (!scenario_table_) scenario_table_ = &node;
    for (auto&& [key, value] : *table) {
      const std::string k{key.str()};
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        unknown_key(key, known, "[scenario]");
        continue;
      }
      scenario_keys_[k] = {&value, &document};
    }
  }

  void read_scenario_keys() {
    std::optional<std::string> places_file, routes_file;
    bool have_start = false, have_end = false;
    const toml::node* end_node = nullptr;
    const Document* places_document = nullptr;
    const Document* routes_document = nullptr;
    for (const auto& [k, key] : scenario_keys_) {
      const toml::node& value = *key.node;
      if (k == "name") {
        if (auto s = get_string(value, "scenario.name")) scenario_.name = *s;
      } else if (k == "description") {
        if (auto s = get_string(value, "scenario.description")) scenario_.description = *s;
      } else if (k == "start_date") {
        if (auto d = get_date(value, "scenario.start_date")) {
          scenario_.start = *d;
          have_start = true;
        }
      } else if (k == "end_date") {
        if (auto d = get_date(value, "scenario.end_date")) {
          scenario_.end = *d;
          have_end = true;
          end_node = &value;
        }
      } else if (k == "home_country") {
        if (auto s = get_string(value, "scenario.home_country")) scenario_.home_country = *s;
      } else if (k == "places") {
        places_file = get_string(value, "scenario.places");
        places_node_ = &value;
        places_document = key.document;
      } else if (k == "routes") {
        routes_file = get_string(value, "scenario.routes");
        routes_node_ = &value;
        routes_document = key.document;
      }
    }
    const SourcePosition table_pos = pos(*scenario_table_);
    if (scenario_.name.empty()) diag_.error(table_pos, "[scenario] needs a non-empty 'name'");
    if (!have_start) diag_.error(table_pos, "[scenario] needs 'start_date'");
    if (!have_end) diag_.error(table_pos, "[scenario] needs 'end_date'");
    if (have_start && have_end && scenario_.end < scenario_.start) {
      diag_.error(pos(*end_node), "end_date " + scenario_.end.iso() + " is before start_date " +
                                      scenario_.start.iso());
    }
    if (have_start && have_end && scenario_.day_count() > limits::kDays) {
      diag_.error(pos(*end_node), "the scenario spans " + std::to_string(scenario_.day_count()) +
                                      " days, more than the " + std::to_string(limits::kDays) +
                                      " (200 years) allowed");
    }
    if (!places_node_) diag_.error(table_pos, "[scenario] needs 'places', the places CSV table");
    if (!routes_node_) diag_.error(table_pos, "[scenario] needs 'routes', the routes CSV table");
    if (places_file) read_places(places_document->folder, *places_file);
    if (routes_file && !scenario_.places.empty())
      read_routes(routes_document->folder, *routes_file);
  }

  void read_run(const toml::node& node) {
    const auto* table = node.as_table();
    if (!table) return wrong_type(node, "run", "a table");
    static const std::vector<std::string> known = {"replicates", "seed", "period"};
    for (auto&& [key, value] : *table) {
      const std::string k{key.str()};
      if (k == "replicates") {
        if (auto v = get_integer(value, "run.replicates", 1))
          scenario_.run.replicates = static_cast<std::uint64_t>(*v);
      } else if (k == "seed") {
        if (auto v = get_integer(value, "run.seed", 0))
          scenario_.run.seed = static_cast<std::uint64_t>(*v);
      } else if (k == "period") {
        if (auto s = get_string(value, "run.period")) {
          if (*s == "day")
            scenario_.run.period = Period::day;
          else if (*s == "month")
            scenario_.run.period = Period::month;
          else if (*s == "year")
            scenario_.run.period = Period::year;
          else
            diag_.error(pos(value),
                        "run.period must be \"day\", \"month\" or \"year\", found \"" + *s + "\"");
        }
      } else {
        unknown_key(key, known, "[run]");
      }
    }
  }

  void read_parameter_section(const std::string& section, const toml::node& node) {
    const auto* table = node.as_table();
    if (!table) return wrong_type(node, section, "a table");
    std::vector<std::string> known;
    for (const auto& p : kParams) {
      if (p.name.starts_with(section + ".")) known.emplace_back(p.name.substr(section.size() + 1));
    }
    for (auto&& [key, value] : *table) {
      const std::string name = section + "." + std::string(key.str());
      const auto param = find_param(name);
      if (!param) {
        unknown_key(key, known, "[" + section + "]");
        continue;
      }
      if (auto v = get_number(value, name)) set_value(*param, *v, pos(value));
    }
  }

  void set_value(Param p, double v, const SourcePosition& where) {
    if (auto expected = check_domain(p, v); !expected.empty()) {
      diag_.error(
          where, std::string(spec(p).name) + " must be " + expected + ", found " + format_value(v));
      return;
    }
    scenario_.values[static_cast<std::size_t>(p)] = v;
  }

  // --- CSV tables ------------------------------------------------------------------------------

  std::optional<CsvTable> read_table(const fs::path& folder, const std::string& relative,
                                     const toml::node* named_at) {
    const fs::path full = folder / relative;
    std::string why;
    auto text = read_text_file(full, limits::kTableFileBytes, why);
    if (!text) {
      diag_.error(named_at ? pos(*named_at) : SourcePosition{path_, 0, 0},
                  "cannot open table '" + full.string() + "': " + why);
      return std::nullopt;
    }
    scenario_.files.push_back({display_name(full), *text});
    return CsvTable::parse(full.string(), *text, diag_);
  }

  // A table longer than the engine represents (place indices are uint16) is refused at its
  // first row too many, before anything is built from it.
  bool within_row_limit(const CsvTable& table, std::size_t limit, const char* what) {
    if (table.rows().size() <= limit) return true;
    diag_.error({table.path(), table.rows()[limit].front().line, 1},
                "more than " + std::to_string(limit) + " " + what + "; tumen handles at most " +
                    std::to_string(limit) + " (docs/reliability.md)");
    return false;
  }

  std::optional<double> csv_number(const CsvTable& table, const CsvField& f,
                                   const std::string& column) {
    auto v = parse_finite_number(f.text);
    if (!v) {
      diag_.error({table.path(), f.line, f.column},
                  "column '" + column + "' expects a number, found '" + f.text + "'");
    }
    return v;
  }

  void read_places(const fs::path& folder, const std::string& relative) {
    auto table = read_table(folder, relative, places_node_);
    if (!table) return;
    std::vector<std::string> optional = {"departure_weight", "goal_weight", "pass_on_probability",
                                         "pass_on_to", "sends_back_to"};
    std::vector<Param> scoped;
    for (std::size_t i = 0; i < kParamCount; ++i) {
      if (kParams[i].scope == ParamScope::place) {
        scoped.push_back(static_cast<Param>(i));
        optional.push_back(csv_column(static_cast<Param>(i)));
      }
    }
    if (!table->check_columns({"name", "kind", "country"}, optional, diag_)) return;
    if (!within_row_limit(*table, limits::kPlaces, "places")) return;
    const auto col = [&](const char* name) { return table->column(name); };
    struct PendingLink {
      std::size_t place;
      CsvField field;
      bool pass_on;
    };
    std::vector<PendingLink> links;
    for (const auto& row : table->rows()) {
      Place place;
      place.where = {table->path(), row.front().line, 1};
      place.name = row[*col("name")].text;
      if (place.name.empty()) {
        diag_.error(place.where, "a place needs a name");
        continue;
      }
      if (place.name.size() > limits::kNameBytes) {
        diag_.error(place.where, "a place name of " + std::to_string(place.name.size()) +
                                     " bytes, longer than the " +
                                     std::to_string(limits::kNameBytes) + " allowed");
        continue;
      }
      if (auto it = place_index_.find(place.name); it != place_index_.end()) {
        const auto& first = scenario_.places[it->second].where;
        diag_.error({table->path(), row[*col("name")].line, row[*col("name")].column},
                    "duplicate place '" + place.name + "' (first defined at line " +
                        std::to_string(first.line) + ")");
        continue;
      }
      const auto& kind = row[*col("kind")];
      const auto k = std::find(kPlaceKindNames.begin(), kPlaceKindNames.end(), kind.text);
      if (k == kPlaceKindNames.end()) {
        diag_.error({table->path(), kind.line, kind.column},
                    "unknown place kind '" + kind.text +
                        "'; expected origin, border, transit, third_country or destination");
        continue;
      }
      place.kind = static_cast<PlaceKind>(k - kPlaceKindNames.begin());
      place.country = row[*col("country")].text;
      if (place.country.empty()) {
        diag_.error(place.where, "place '" + place.name + "' needs a country");
      }
      auto number = [&](const char* name, double& out, double low, double high) {
        const auto c = col(name);
        if (!c || row[*c].text.empty()) return;
        const auto& f = row[*c];
        if (auto v = csv_number(*table, f, name)) {
          if (*v < low || *v > high) {
            diag_.error({table->path(), f.line, f.column},
                        std::string("column '") + name + "' must be in [" + format_value(low) +
                            ", " + (high > 1e300 ? "inf" : format_value(high)) + "], found " +
                            f.text);
          } else {
            out = *v;
          }
        }
      };
      number("departure_weight", place.departure_weight, 0.0, HUGE_VAL);
      number("goal_weight", place.goal_weight, 0.0, HUGE_VAL);
      number("pass_on_probability", place.pass_on_probability, 0.0, 1.0);
      for (const Param p : scoped) {
        place.base[static_cast<std::size_t>(p)] = scenario_.value(p);
        const auto c = table->column(csv_column(p));
        if (!c || row[*c].text.empty()) continue;
        const auto& f = row[*c];
        if (auto v = csv_number(*table, f, csv_column(p))) {
          if (auto expected = check_domain(p, *v); !expected.empty()) {
            diag_.error({table->path(), f.line, f.column},
                        "column '" + csv_column(p) + "' must be " + expected + ", found " + f.text);
          } else {
            place.base[static_cast<std::size_t>(p)] = *v;
          }
        }
      }
      const std::size_t index = scenario_.places.size();
      if (auto c = col("pass_on_to"); c && !row[*c].text.empty())
        links.push_back({index, row[*c], true});
      if (auto c = col("sends_back_to"); c && !row[*c].text.empty())
        links.push_back({index, row[*c], false});
      place_index_.emplace(place.name, index);
      scenario_.places.push_back(std::move(place));
    }
    for (const auto& link : links) {
      const auto target = find_place(table->path(), link.field);
      if (!target) continue;
      auto& place = scenario_.places[link.place];
      if (link.pass_on) {
        if (scenario_.places[*target].kind != PlaceKind::destination) {
          diag_.error({table->path(), link.field.line, link.field.column},
                      "pass_on_to must name a destination, found '" + link.field.text + "'");
          continue;
        }
        place.pass_on_to = static_cast<std::int32_t>(*target);
      } else {
        place.sends_back_to = static_cast<std::int32_t>(*target);
      }
    }
    for (auto& place : scenario_.places) {
      if (place.pass_on_probability > 0.0 && place.pass_on_to < 0) {
        diag_.error(place.where, "place '" + place.name +
                                     "' has a pass_on_probability but no pass_on_to destination");
      }
    }
  }

  std::optional<std::size_t> find_place(const std::string& path, const CsvField& f) {
    if (auto it = place_index_.find(f.text); it != place_index_.end()) return it->second;
    std::string message = "unknown place '" + f.text + "'";
    if (auto hint = closest_match(f.text, place_names()); !hint.empty()) {
      message += "; did you mean '" + hint + "'?";
    }
    diag_.error({path, f.line, f.column}, message);
    return std::nullopt;
  }

  std::vector<std::string> place_names() const {
    std::vector<std::string> names;
    for (const auto& p : scenario_.places) names.push_back(p.name);
    return names;
  }

  void read_routes(const fs::path& folder, const std::string& relative) {
    auto table = read_table(folder, relative, routes_node_);
    if (!table) return;
    std::vector<std::string> optional = {"travel_spread_days", "cost_usd", "detection_per_day",
                                         "broker"};
    std::vector<Param> scoped;
    for (std::size_t i = 0; i < kParamCount; ++i) {
      if (kParams[i].scope == ParamScope::route) {
        scoped.push_back(static_cast<Param>(i));
        optional.push_back(csv_column(static_cast<Param>(i)));
      }
    }
    if (!table->check_columns({"from", "to", "travel_days"}, optional, diag_)) return;
    if (!within_row_limit(*table, limits::kRoutes, "routes")) return;
    for (const auto& row : table->rows()) {
      Route route;
      route.where = {table->path(), row.front().line, 1};
      const auto from = find_place(table->path(), row[*table->column("from")]);
      const auto to = find_place(table->path(), row[*table->column("to")]);
      bool ok = from && to;
      if (ok && *from == *to) {
        diag_.error(route.where, "route from '" + scenario_.places[*from].name + "' to itself");
        ok = false;
      }
      auto integer = [&](const char* name, std::int32_t& out, std::int32_t low) {
        const auto c = table->column(name);
        if (!c || row[*c].text.empty()) return;
        const auto& f = row[*c];
        auto v = csv_number(*table, f, name);
        if (!v) {
          ok = false;
        } else if (*v != std::floor(*v) || *v < low || *v > 1e6) {
          diag_.error({table->path(), f.line, f.column},
                      std::string("column '") + name + "' must be a whole number of days >= " +
                          std::to_string(low) + ", found " + f.text);
          ok = false;
        } else {
          out = static_cast<std::int32_t>(*v);
        }
      };
      integer("travel_days", route.travel_days, 1);
      integer("travel_spread_days", route.travel_spread_days, 0);
      if (route.travel_spread_days >= route.travel_days) {
        diag_.error(route.where, "travel_spread_days must be smaller than travel_days");
        ok = false;
      }
      auto number = [&](const char* name, double& out, double high) {
        const auto c = table->column(name);
        if (!c || row[*c].text.empty()) return;
        const auto& f = row[*c];
        auto v = csv_number(*table, f, name);
        if (!v) {
          ok = false;
        } else if (*v < 0.0 || *v > high) {
          diag_.error({table->path(), f.line, f.column},
                      std::string("column '") + name + "' must be in [0, " +
                          (high > 1e300 ? "inf" : format_value(high)) + "], found " + f.text);
          ok = false;
        } else {
          out = *v;
        }
      };
      number("cost_usd", route.cost_usd, HUGE_VAL);
      number("detection_per_day", route.detection_per_day, 1.0);
      if (route.detection_per_day >= 1.0) {
        diag_.error(route.where, "detection_per_day must be below 1 (certain detection every day)");
        ok = false;
      }
      if (const auto c = table->column("broker"); c && !row[*c].text.empty()) {
        const auto& f = row[*c];
        if (f.text == "required") {
          route.broker = BrokerUse::required;
        } else if (f.text != "optional") {
          diag_.error({table->path(), f.line, f.column},
                      "column 'broker' must be 'optional' or 'required', found '" + f.text + "'");
          ok = false;
        }
      }
      for (const Param p : scoped) {
        route.base[static_cast<std::size_t>(p)] = scenario_.value(p);
        const auto c = table->column(csv_column(p));
        if (!c || row[*c].text.empty()) continue;
        const auto& f = row[*c];
        if (auto v = csv_number(*table, f, csv_column(p))) {
          if (auto expected = check_domain(p, *v); !expected.empty()) {
            diag_.error({table->path(), f.line, f.column},
                        "column '" + csv_column(p) + "' must be " + expected + ", found " + f.text);
          } else {
            route.base[static_cast<std::size_t>(p)] = *v;
          }
        }
      }
      if (!ok) continue;
      route.from = static_cast<std::uint32_t>(*from);
      route.to = static_cast<std::uint32_t>(*to);
      const std::string name =
          scenario_.places[route.from].name + "->" + scenario_.places[route.to].name;
      if (!route_index_.emplace(name, scenario_.routes.size()).second) {
        diag_.error(route.where, "duplicate route '" + name + "'");
        continue;
      }
      scenario_.routes.push_back(route);
    }
  }

  // --- timeline --------------------------------------------------------------------------------

  void read_timeline() {
    static const std::vector<std::string> known = {"id",      "parameter", "date",  "from",
                                                   "to",      "value",     "place", "kind",
                                                   "country", "route",     "note"};
    for (const auto& [table, node] : timeline_entries_) {
      const toml::node& item = *node;
      if (dropped(*table, "timeline")) continue;
      TimelineChange change;
      change.where = pos(item);
      std::optional<Param> param;
      std::optional<Date> date, from, to;
      std::optional<double> value;
      const toml::node* value_node = nullptr;
      const toml::node* to_node = nullptr;
      int scopes = 0;
      bool ok = true;
      for (auto&& [key, v] : *table) {
        const std::string k{key.str()};
        if (k == "parameter") {
          if (auto s = get_string(v, "timeline.parameter")) {
            param = find_param(*s);
            if (!param) {
              std::vector<std::string> names;
              for (const auto& p : kParams) names.emplace_back(p.name);
              std::string message = "unknown parameter '" + *s + "'";
              if (auto hint = closest_match(*s, names); !hint.empty())
                message += "; did you mean '" + hint + "'?";
              diag_.error(pos(v), message);
              ok = false;
            }
          } else {
            ok = false;
          }
        } else if (k == "date") {
          date = get_date(v, "timeline.date");
          ok = ok && date;
        } else if (k == "from") {
          from = get_date(v, "timeline.from");
          ok = ok && from;
        } else if (k == "to") {
          to = get_date(v, "timeline.to");
          to_node = &v;
          ok = ok && to;
        } else if (k == "value") {
          value = get_number(v, "timeline.value");
          value_node = &v;
          ok = ok && value;
        } else if (k == "note") {
          ok = get_string(v, "timeline.note").has_value() && ok;
        } else if (k == "id") {
          // read by dropped()
        } else if (k == "place" || k == "kind" || k == "country" || k == "route") {
          ++scopes;
          ok = read_scope(k, v, change) && ok;
        } else {
          unknown_key(key, known, "a [[timeline]] entry");
          ok = false;
        }
      }
      if (!param) {
        if (ok) diag_.error(change.where, "a [[timeline]] entry needs 'parameter'");
        continue;
      }
      change.param = *param;
      if (!value) {
        if (ok) diag_.error(change.where, "a [[timeline]] entry needs 'value'");
        continue;
      }
      if (date && (from || to)) {
        diag_.error(change.where,
                    "give either 'date' (a step) or 'from' and 'to' (a ramp), not both");
        continue;
      }
      if (date) {
        change.from = change.to = *date;
      } else if (from && to) {
        change.from = *from;
        change.to = *to;
        if (*to < *from) {
          diag_.error(pos(*to_node),
                      "ramp ends (" + to->iso() + ") before it starts (" + from->iso() + ")");
          continue;
        }
      } else {
        if (ok) diag_.error(change.where, "a [[timeline]] entry needs 'date', or 'from' and 'to'");
        continue;
      }
      if (auto expected = check_domain(*param, *value); !expected.empty()) {
        diag_.error(pos(*value_node), std::string(spec(*param).name) + " must be " + expected +
                                          ", found " + format_value(*value));
        continue;
      }
      change.value = *value;
      if (scopes > 1) {
        diag_.error(change.where,
                    "a [[timeline]] entry takes at most one of place, kind, country and route");
        continue;
      }
      const ParamScope scope = spec(*param).scope;
      if (scope == ParamScope::global && change.scope != ChangeScope::all) {
        diag_.error(change.where,
                    std::string(spec(*param).name) +
                        " is a global parameter and cannot be scoped to places or routes");
        continue;
      }
      if (scope == ParamScope::place && change.scope == ChangeScope::route) {
        diag_.error(change.where,
                    std::string(spec(*param).name) + " applies to places, not routes");
        continue;
      }
      if (scope == ParamScope::route && change.scope != ChangeScope::route &&
          change.scope != ChangeScope::all) {
        diag_.error(change.where,
                    std::string(spec(*param).name) + " applies to routes; scope it with 'route'");
        continue;
      }
      if (change.scope == ChangeScope::all) {
        const std::size_t n = scope == ParamScope::place   ? scenario_.places.size()
                              : scope == ParamScope::route ? scenario_.routes.size()
                                                           : 0;
        for (std::size_t i = 0; i < n; ++i) change.targets.push_back(static_cast<std::uint32_t>(i));
      }
      if (!ok) continue;
      scenario_.timeline.push_back(std::move(change));
    }
    std::stable_sort(
        scenario_.timeline.begin(), scenario_.timeline.end(),
        [](const TimelineChange& a, const TimelineChange& b) { return a.from < b.from; });
  }

  bool read_scope(const std::string& k, const toml::node& v, TimelineChange& change) {
    auto s = get_string(v, "timeline." + k);
    if (!s) return false;
    if (k == "place") {
      change.scope = ChangeScope::place;
      if (auto it = place_index_.find(*s); it != place_index_.end()) {
        change.targets.push_back(static_cast<std::uint32_t>(it->second));
        return true;
      }
      std::string message = "unknown place '" + *s + "'";
      if (auto hint = closest_match(*s, place_names()); !hint.empty())
        message += "; did you mean '" + hint + "'?";
      diag_.error(pos(v), message);
      return false;
    }
    if (k == "kind") {
      change.scope = ChangeScope::kind;
      const auto kind = std::find(kPlaceKindNames.begin(), kPlaceKindNames.end(), *s);
      if (kind == kPlaceKindNames.end()) {
        diag_.error(pos(v),
                    "unknown place kind '" + *s +
                        "'; expected origin, border, transit, third_country or destination");
        return false;
      }
      for (std::size_t i = 0; i < scenario_.places.size(); ++i) {
        if (kPlaceKindNames[static_cast<std::size_t>(scenario_.places[i].kind)] == *s)
          change.targets.push_back(static_cast<std::uint32_t>(i));
      }
      return true;
    }
    if (k == "country") {
      change.scope = ChangeScope::country;
      for (std::size_t i = 0; i < scenario_.places.size(); ++i) {
        if (scenario_.places[i].country == *s)
          change.targets.push_back(static_cast<std::uint32_t>(i));
      }
      if (change.targets.empty()) {
        diag_.error(pos(v), "no place is in country '" + *s + "'");
        return false;
      }
      return true;
    }
    change.scope = ChangeScope::route;
    if (auto it = route_index_.find(*s); it != route_index_.end()) {
      change.targets.push_back(static_cast<std::uint32_t>(it->second));
      return true;
    }
    std::vector<std::string> names;
    for (const auto& [name, index] : route_index_) names.push_back(name);
    std::string message = "unknown route '" + *s + "' (write routes as FROM->TO)";
    if (auto hint = closest_match(*s, names); !hint.empty())
      message += "; did you mean '" + hint + "'?";
    diag_.error(pos(v), message);
    return false;
  }

  void read_mass_returns() {
    static const std::vector<std::string> known = {"id", "date", "country", "share", "note"};
    for (const auto& [table, node] : mass_return_entries_) {
      const toml::node& item = *node;
      if (dropped(*table, "mass_return")) continue;
      MassReturn event;
      event.where = pos(item);
      bool have_date = false, ok = true;
      for (auto&& [key, v] : *table) {
        const std::string k{key.str()};
        if (k == "date") {
          if (auto d = get_date(v, "mass_return.date")) {
            event.date = *d;
            have_date = true;
          } else {
            ok = false;
          }
        } else if (k == "country") {
          if (auto s = get_string(v, "mass_return.country")) {
            event.country = *s;
            if (std::none_of(scenario_.places.begin(), scenario_.places.end(),
                             [&](const Place& p) { return p.country == *s; })) {
              diag_.error(pos(v), "no place is in country '" + *s + "'");
              ok = false;
            }
          } else {
            ok = false;
          }
        } else if (k == "share") {
          auto s = get_number(v, "mass_return.share");
          if (s && (*s < 0.0 || *s > 1.0)) {
            diag_.error(pos(v), "mass_return.share must be a probability in [0, 1], found " +
                                    format_value(*s));
            ok = false;
          } else if (s) {
            event.share = *s;
          } else {
            ok = false;
          }
        } else if (k == "note") {
          ok = get_string(v, "mass_return.note").has_value() && ok;
        } else if (k == "id") {
          // read by dropped()
        } else {
          unknown_key(key, known, "a [[mass_return]] entry");
          ok = false;
        }
      }
      if (!have_date || event.country.empty()) {
        if (ok) diag_.error(event.where, "a [[mass_return]] entry needs 'date' and 'country'");
        continue;
      }
      if (ok) scenario_.mass_returns.push_back(event);
    }
  }

  // --- --set -----------------------------------------------------------------------------------

  void apply_overrides() {
    for (const auto& text : options_.set_overrides) {
      const auto override_value = parse_set_override(text, diag_);
      if (!override_value) continue;
      if (override_value->target == SetTarget::seed) {
        scenario_.run.seed = override_value->whole;
        continue;
      }
      if (override_value->target == SetTarget::replicates) {
        scenario_.run.replicates = override_value->whole;
        continue;
      }
      const Param param = override_value->param;
      const double v = override_value->value;
      scenario_.values[static_cast<std::size_t>(param)] = v;
      // A --set of a place or route parameter sets it everywhere, over the CSV columns.
      if (spec(param).scope == ParamScope::place) {
        for (auto& p : scenario_.places) p.base[static_cast<std::size_t>(param)] = v;
      } else if (spec(param).scope == ParamScope::route) {
        for (auto& r : scenario_.routes) r.base[static_cast<std::size_t>(param)] = v;
      }
    }
  }

  // --- whole-network checks --------------------------------------------------------------------

  // The sizes that decide the memory and time of building the model (docs/reliability.md):
  // checked once the scenario is read, before a Model commits memory to it.
  void check_limits() {
    std::size_t destinations = 0;
    for (const auto& p : scenario_.places) destinations += p.kind == PlaceKind::destination;
    if (destinations > limits::kDestinations) {
      diag_.error({path_, 0, 0}, std::to_string(destinations) +
                                     " destinations; tumen handles at most " +
                                     std::to_string(limits::kDestinations));
    }
    const double population = scenario_.value(Param::population_size);
    if (population * 1.05 > static_cast<double>(limits::kAgents)) {
      // The 5% is room for the relatives who leave later (Simulation::create_population).
      diag_.error({path_, 0, 0}, "population.size " + format_value(population) +
                                     " needs more agents (with 5% room for relatives) than the " +
                                     std::to_string(limits::kAgents) + " tumen can number");
    }
    const auto& timeline = scenario_.timeline;
    if (timeline.size() > limits::kTimelineEntries) {
      diag_.error(timeline[limits::kTimelineEntries].where,
                  "more than " + std::to_string(limits::kTimelineEntries) + " timeline entries");
    }
    if (scenario_.mass_returns.size() > limits::kMassReturns) {
      diag_.error(scenario_.mass_returns[limits::kMassReturns].where,
                  "more than " + std::to_string(limits::kMassReturns) + " mass returns");
    }
    std::size_t targets = 0;
    for (const auto& change : timeline) {
      targets += change.targets.empty() ? 1 : change.targets.size();
      if (targets > limits::kTimelineTargets) {
        diag_.error(change.where, "the timeline's entries apply to more than " +
                                      std::to_string(limits::kTimelineTargets) +
                                      " places and routes in all");
        break;
      }
    }
    // Route plans: one for each day on which a change shaping them takes effect (every day of
    // a ramp), at most one a day.
    std::uint64_t plan_days = 1;
    for (const auto& change : timeline) {
      if (shapes_route_plans(change.param)) {
        plan_days += static_cast<std::uint64_t>(days_between(change.from, change.to)) + 1;
      }
    }
    plan_days =
        std::min<std::uint64_t>(plan_days, static_cast<std::uint64_t>(scenario_.day_count()));
    const std::uint64_t routes = scenario_.routes.size();
    const std::uint64_t plan_bytes =
        plan_days * route_plan_bytes(scenario_.places.size(), routes, destinations);
    if (plan_bytes > limits::kRoutePlanBytes || plan_days * routes > limits::kRoutePlanRouteDays) {
      diag_.error({path_, 0, 0},
                  "the timeline changes the route network on up to " + std::to_string(plan_days) +
                      " days (every day of a ramp counts); with " +
                      std::to_string(scenario_.places.size()) + " places, " +
                      std::to_string(routes) + " routes and " + std::to_string(destinations) +
                      " destinations its route plans would take up to " + mebibytes(plan_bytes) +
                      " and " + std::to_string(plan_days * routes) +
                      " route-days to build (limits: " + mebibytes(limits::kRoutePlanBytes) +
                      " and " + std::to_string(limits::kRoutePlanRouteDays) +
                      "); use steps or shorter ramps for route parameters");
    }
  }

  void check_network() {
    const auto& places = scenario_.places;
    std::vector<std::vector<std::uint32_t>> forward(places.size()), backward(places.size());
    for (const auto& r : scenario_.routes) {
      forward[r.from].push_back(r.to);
      backward[r.to].push_back(r.from);
    }
    auto reach = [&](const std::vector<std::vector<std::uint32_t>>& edges, auto is_start) {
      std::vector<char> seen(places.size(), 0);
      std::queue<std::uint32_t> frontier;
      for (std::uint32_t i = 0; i < places.size(); ++i) {
        if (is_start(places[i])) {
          seen[i] = 1;
          frontier.push(i);
        }
      }
      while (!frontier.empty()) {
        const auto v = frontier.front();
        frontier.pop();
        for (const auto w : edges[v]) {
          if (!seen[w]) {
            seen[w] = 1;
            frontier.push(w);
          }
        }
      }
      return seen;
    };
    const auto from_origins =
        reach(forward, [](const Place& p) { return p.kind == PlaceKind::origin; });
    const auto to_destinations =
        reach(backward, [](const Place& p) { return p.kind == PlaceKind::destination; });
    bool any_origin = false, any_destination = false;
    double departure_weight = 0.0, goal_weight = 0.0;
    for (std::size_t i = 0; i < places.size(); ++i) {
      const auto& p = places[i];
      if (p.kind == PlaceKind::origin) {
        any_origin = true;
        departure_weight += p.departure_weight;
        if (!to_destinations[i]) {
          diag_.error(p.where, "no destination can be reached from origin '" + p.name + "'");
        }
      } else if (p.kind == PlaceKind::destination) {
        any_destination = true;
        goal_weight += p.goal_weight;
      }
      if (!from_origins[i]) {
        diag_.warning(p.where, "no route from an origin reaches place '" + p.name + "'");
      }
    }
    if (!any_origin) diag_.error({path_, 0, 0}, "the scenario has no place of kind 'origin'");
    if (!any_destination)
      diag_.error({path_, 0, 0}, "the scenario has no place of kind 'destination'");
    if (any_origin && departure_weight <= 0.0) {
      diag_.error({path_, 0, 0}, "origins need a positive departure_weight in total");
    }
    if (any_destination && goal_weight <= 0.0) {
      diag_.error({path_, 0, 0}, "destinations need a positive goal_weight in total");
    }
    for (std::size_t r = 0; r < scenario_.routes.size(); ++r) {
      const auto& route = scenario_.routes[r];
      // A route that can never be used is a mistake in the network, not a harmless extra.
      if (!from_origins[route.from] || !to_destinations[route.to] ||
          scenario_.places[route.from].kind == PlaceKind::destination) {
        diag_.error(route.where, "route '" + scenario_.route_name(r) +
                                     "' can never be used: it lies on no path from an origin to a "
                                     "destination (a journey ends at a destination)");
        continue;
      }
      bool ever_open = route.base[static_cast<std::size_t>(Param::route_open)] != 0.0;
      for (const auto& change : scenario_.timeline) {
        if (change.param == Param::route_open && change.value != 0.0 &&
            std::find(change.targets.begin(), change.targets.end(), r) != change.targets.end()) {
          ever_open = true;
        }
      }
      if (!ever_open) {
        diag_.error(route.where, "route '" + scenario_.route_name(r) +
                                     "' can never be used: it is closed (route_open = 0) and no "
                                     "timeline change opens it");
      }
    }
  }

  const LoadOptions& options_;
  Diagnostics& diag_;
  Scenario scenario_;
  std::string path_;  // the main scenario file, for messages about the scenario as a whole
  fs::path main_folder_;
  std::vector<Document> documents_;
  std::size_t documents_read_ = 0;  // TOML documents loaded so far, repeats counted
  std::map<std::string, KeyInFile> scenario_keys_;
  const toml::node* scenario_table_ = nullptr;
  std::vector<Entry> timeline_entries_;
  std::vector<Entry> mass_return_entries_;
  std::map<std::string, SourcePosition> drops_;
  std::set<std::string> dropped_ids_used_;
  std::set<std::string> entry_ids_;
  const toml::node* places_node_ = nullptr;
  const toml::node* routes_node_ = nullptr;
  std::map<std::string, std::size_t> place_index_;
  std::map<std::string, std::size_t> route_index_;
};

}  // namespace

std::optional<Scenario> load_scenario(const fs::path& path, const LoadOptions& options,
                                      Diagnostics& diagnostics) {
  Loader loader(options, diagnostics);
  return loader.load(path);
}

}  // namespace tumen
