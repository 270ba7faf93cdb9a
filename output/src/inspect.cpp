#include "tumen/output/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "detail/quantile.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/output_selection.hpp"

namespace tumen::output {

namespace {

struct Total {
  std::string name;
  double mean = 0.0;
  double p5 = 0.0;
  double p95 = 0.0;
};

// Everything inspect reports, read before anything is printed, so that a bad file prints only
// its error.
struct Overview {
  std::string file;
  std::int64_t format_version = 0;
  std::string tumen_version;
  std::string rng;
  std::string scenario;
  std::string scenario_hash;
  std::uint64_t seed = 0;
  std::size_t replicates_done = 0;
  std::size_t replicates_in_file = 0;
  std::string replicate_range;
  std::uint64_t replicate_total = 0;
  std::optional<std::string> finished;
  std::string period;
  std::string start_date;
  std::string end_date;
  std::vector<std::pair<std::string, std::size_t>> dimensions;
  std::vector<std::string> outputs;
  bool summary_only = false;
  std::vector<std::string> summarised;  // the datasets /summary describes
  std::string totals_from;              // "summary", "replicates" or "" (none)
  std::size_t totals_replicates = 0;
  std::vector<Total> event_totals;
  std::vector<Total> arrival_totals;
};

[[noreturn]] void damaged(const H5Reader& reader, const std::string& problem) {
  throw OutputError(reader.path().string() + ": " + problem);
}

// Totals from /summary/NAME_mean and NAME_quantile (rows 5%, 50%, 95%), one per label.
std::vector<Total> summary_totals(const H5Reader& reader, const std::string& name,
                                  const std::vector<std::string>& labels) {
  const std::vector<double> mean = reader.float64_dataset("/summary/" + name + "_mean");
  const std::vector<double> quantile = reader.float64_dataset("/summary/" + name + "_quantile");
  if (mean.size() < labels.size() || quantile.size() < 3 * labels.size()) {
    damaged(reader, "/summary/" + name + "_mean and _quantile hold " + std::to_string(mean.size()) +
                        " and " + std::to_string(quantile.size()) + " values, too few for " +
                        std::to_string(labels.size()) + " labels");
  }
  std::vector<Total> totals;
  for (std::size_t index = 0; index < labels.size(); ++index) {
    totals.push_back(
        {labels[index], mean[index], quantile[index], quantile[2 * labels.size() + index]});
  }
  return totals;
}

// Totals over [time, X, sex] of each completed replicate, one replicate at a time.
std::vector<Total> replicate_totals(const H5Reader& reader, const std::string& dataset,
                                    const std::vector<std::string>& labels,
                                    const std::vector<std::size_t>& completed) {
  std::vector<std::vector<double>> samples(labels.size());  // [label][completed replicate]
  for (const std::size_t index : completed) {
    const Int64Array counts = reader.int64_replicate(dataset, index);  // [time, X, sex]
    if (counts.shape.size() != 3 || counts.shape[1] != labels.size()) {
      std::string shape;
      for (const std::size_t size : counts.shape)
        shape += (shape.empty() ? "" : ", ") + std::to_string(size);
      damaged(reader, dataset + " has replicates of shape [" + shape + "], not [time, " +
                          std::to_string(labels.size()) + ", sex]");
    }
    for (std::size_t label = 0; label < labels.size(); ++label) {
      std::int64_t total = 0;
      for (std::size_t period = 0; period < counts.shape[0]; ++period) {
        for (std::size_t sex = 0; sex < counts.shape[2]; ++sex) {
          if (__builtin_add_overflow(total, counts.at({period, label, sex}), &total)) {
            damaged(reader, dataset + " holds counts too large to add up");
          }
        }
      }
      samples[label].push_back(static_cast<double>(total));
    }
  }
  std::vector<Total> totals;
  for (std::size_t label = 0; label < labels.size(); ++label) {
    const std::vector<double>& sample = samples[label];
    double sum = 0.0;
    for (const double total : sample) sum += total;
    totals.push_back({labels[label], sum / static_cast<double>(sample.size()),
                      detail::linear_quantile(sample, 0.05),
                      detail::linear_quantile(sample, 0.95)});
  }
  return totals;
}

Overview read_overview(const std::filesystem::path& path) {
  const H5Reader reader(path);
  Overview overview;
  overview.file = path.string();
  overview.format_version = reader.format_version();
  overview.tumen_version = reader.string_attribute("tumen_version");
  overview.rng = reader.string_attribute("rng");
  overview.scenario = reader.string_attribute("scenario_name");
  overview.scenario_hash = reader.string_attribute("scenario_hash");
  overview.seed = reader.uint64_attribute("seed");
  overview.replicate_range = reader.string_attribute("replicate_range");
  overview.replicate_total = reader.uint64_attribute("replicate_total");
  overview.period = reader.string_attribute("period");
  overview.start_date = reader.string_attribute("start_date");
  overview.end_date = reader.string_attribute("end_date");
  if (reader.has_attribute("/provenance", "finished_utc")) {
    overview.finished = reader.string_attribute("/provenance", "finished_utc");
  }

  const std::vector<std::uint8_t> done = reader.replicate_done();
  std::vector<std::size_t> completed;
  for (std::size_t index = 0; index < done.size(); ++index) {
    if (done[index] == 1) completed.push_back(index);
  }
  overview.replicates_done = completed.size();
  overview.replicates_in_file = done.size();
  for (const char* dimension : {"replicate", "time", "location", "destination", "event", "state",
                                "sex", "route", "years_abroad"}) {
    const std::vector<std::size_t> shape = reader.shape(std::string("/") + dimension);
    if (shape.size() != 1) {
      damaged(reader, std::string("the coordinate /") + dimension + " is not one-dimensional");
    }
    overview.dimensions.emplace_back(dimension, shape[0]);
  }
  overview.outputs = all_outputs();  // files from before --outputs hold every dataset
  if (reader.has_attribute("/", "outputs")) {
    const std::string outputs = reader.string_attribute("outputs");
    try {
      overview.outputs = parse_outputs(outputs);
    } catch (const std::invalid_argument& bad) {
      throw OutputError(overview.file + ": its root attribute \"outputs\" (\"" + outputs +
                        "\") is not a list of datasets: " + bad.what());
    }
  }
  overview.summary_only =
      reader.has_attribute("/", "summary_only") && reader.int64_attribute("summary_only") != 0;
  for (const std::string_view name : summarised_dataset_names) {
    if (reader.exists("/summary/" + std::string(name) + "_mean")) {
      overview.summarised.emplace_back(name);
    }
  }

  const std::vector<std::string> events = reader.strings("/event");
  const std::vector<std::string> destinations = reader.strings("/destination");
  if (reader.exists("/summary/event_totals_mean") ||
      reader.exists("/summary/arrival_totals_mean")) {
    overview.totals_from = "summary";
    overview.totals_replicates =
        static_cast<std::size_t>(reader.uint64_attribute("/summary", "replicates"));
    if (reader.exists("/summary/event_totals_mean")) {
      overview.event_totals = summary_totals(reader, "event_totals", events);
    }
    if (reader.exists("/summary/arrival_totals_mean")) {
      overview.arrival_totals = summary_totals(reader, "arrival_totals", destinations);
    }
  } else if (!completed.empty() && (reader.exists("/events") || reader.exists("/arrivals"))) {
    overview.totals_from = "replicates";
    overview.totals_replicates = completed.size();
    if (reader.exists("/events")) {
      overview.event_totals = replicate_totals(reader, "/events", events, completed);
    }
    if (reader.exists("/arrivals")) {
      overview.arrival_totals = replicate_totals(reader, "/arrivals", destinations, completed);
    }
  }
  return overview;
}

std::string fixed(double value) {
  char text[400];  // DBL_MAX has 309 digits before the point
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string joined(const std::vector<std::string>& names, const char* separator) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : separator) + name;
  return text;
}

void print_table(std::ostream& out, const std::string& heading, const std::string& first_column,
                 const std::vector<Total>& totals) {
  out << '\n' << heading << '\n';
  std::vector<std::vector<std::string>> rows = {{first_column, "mean", "p5", "p95"}};
  for (const Total& total : totals) {
    rows.push_back({total.name, fixed(total.mean), fixed(total.p5), fixed(total.p95)});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      const std::string& cell = row[column];
      const std::string padding(widths[column] - cell.size(), ' ');
      // Names left-aligned, numbers right-aligned so that their digits line up.
      line += column == 0 ? cell + padding : "  " + padding + cell;
    }
    out << line << '\n';
  }
}

void print_text(const Overview& overview, std::ostream& out) {
  out << "file           " << overview.file << '\n';
  out << "scenario       " << overview.scenario << '\n';
  out << "scenario_hash  " << overview.scenario_hash << '\n';
  out << "seed           " << overview.seed << '\n';
  out << "replicates     " << overview.replicates_done << " of " << overview.replicates_in_file
      << " done (range " << overview.replicate_range << " of " << overview.replicate_total << ")\n";
  out << "finished       " << overview.finished.value_or("no (interrupted or still running)")
      << '\n';
  out << "period         " << overview.period << ", " << overview.start_date << " to "
      << overview.end_date << '\n';
  out << "dimensions    ";
  for (const auto& [dimension, size] : overview.dimensions) out << ' ' << dimension << '=' << size;
  out << '\n';
  out << "outputs        " << joined(overview.outputs, " ");
  if (overview.summary_only) {
    out << (overview.finished ? " (summary only: no per-replicate data)"
                              : " (summary only: per-replicate data kept until the run finishes)");
  }
  out << '\n';
  out << "summary        "
      << (overview.summarised.empty()
              ? std::string(overview.finished ? "none" : "none yet (written when the run finishes)")
              : "mean and 5%, 50%, 95% quantiles of " + joined(overview.summarised, ", "))
      << '\n';

  if (overview.totals_from.empty()) {
    out << '\n'
        << (overview.replicates_done == 0
                ? "No replicate is completely written yet.\n"
                : "No totals to show: the file has neither /events nor /arrivals.\n");
    return;
  }
  const std::string across = "across " + std::to_string(overview.totals_replicates) +
                             " completed replicate" + (overview.totals_replicates == 1 ? "" : "s") +
                             ":";
  if (!overview.event_totals.empty()) {
    print_table(out, "Events over the whole run, summed over time and sex, " + across, "event",
                overview.event_totals);
  }
  if (!overview.arrival_totals.empty()) {
    print_table(out, "Arrivals over the whole run, summed over time and sex, " + across,
                "destination", overview.arrival_totals);
  }
}

// JSON strings: quotes, backslashes and control characters escaped; UTF-8 passes through.
std::string json_string(const std::string& text) {
  std::string escaped = "\"";
  for (const char character : text) {
    switch (character) {
      case '"':
        escaped += "\\\"";
        break;
      case '\\':
        escaped += "\\\\";
        break;
      case '\n':
        escaped += "\\n";
        break;
      case '\r':
        escaped += "\\r";
        break;
      case '\t':
        escaped += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(character));
          escaped += code;
        } else {
          escaped += character;
        }
    }
  }
  return escaped + "\"";
}

// Enough digits to read back the same double; NaN and infinities, which JSON lacks, as null.
std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string json_strings(const std::vector<std::string>& names) {
  std::string text = "[";
  for (std::size_t index = 0; index < names.size(); ++index) {
    text += (index == 0 ? "" : ", ") + json_string(names[index]);
  }
  return text + "]";
}

void print_json_totals(std::ostream& out, const char* key, const char* label,
                       const std::vector<Total>& totals) {
  out << "  " << json_string(key) << ": [";
  for (std::size_t index = 0; index < totals.size(); ++index) {
    const Total& total = totals[index];
    out << (index == 0 ? "\n" : ",\n") << "    {" << json_string(label) << ": "
        << json_string(total.name) << ", \"mean\": " << json_number(total.mean)
        << ", \"p5\": " << json_number(total.p5) << ", \"p95\": " << json_number(total.p95) << "}";
  }
  out << (totals.empty() ? "]" : "\n  ]");
}

void print_json(const Overview& overview, std::ostream& out) {
  out << "{\n";
  out << "  \"file\": " << json_string(overview.file) << ",\n";
  out << "  \"format_version\": " << overview.format_version << ",\n";
  out << "  \"tumen_version\": " << json_string(overview.tumen_version) << ",\n";
  out << "  \"rng\": " << json_string(overview.rng) << ",\n";
  out << "  \"scenario\": " << json_string(overview.scenario) << ",\n";
  out << "  \"scenario_hash\": " << json_string(overview.scenario_hash) << ",\n";
  out << "  \"seed\": " << overview.seed << ",\n";
  out << "  \"replicates\": {\"done\": " << overview.replicates_done
      << ", \"in_file\": " << overview.replicates_in_file
      << ", \"range\": " << json_string(overview.replicate_range)
      << ", \"total\": " << overview.replicate_total << "},\n";
  out << "  \"finished\": " << (overview.finished ? json_string(*overview.finished) : "null")
      << ",\n";
  out << "  \"period\": " << json_string(overview.period) << ",\n";
  out << "  \"start_date\": " << json_string(overview.start_date) << ",\n";
  out << "  \"end_date\": " << json_string(overview.end_date) << ",\n";
  out << "  \"dimensions\": {";
  for (std::size_t index = 0; index < overview.dimensions.size(); ++index) {
    out << (index == 0 ? "" : ", ") << json_string(overview.dimensions[index].first) << ": "
        << overview.dimensions[index].second;
  }
  out << "},\n";
  out << "  \"outputs\": " << json_strings(overview.outputs) << ",\n";
  out << "  \"summary_only\": " << (overview.summary_only ? "true" : "false") << ",\n";
  out << "  \"summary\": " << json_strings(overview.summarised) << ",\n";
  out << "  \"totals_from\": "
      << (overview.totals_from.empty() ? "null" : json_string(overview.totals_from)) << ",\n";
  out << "  \"totals_replicates\": " << overview.totals_replicates << ",\n";
  print_json_totals(out, "event_totals", "event", overview.event_totals);
  out << ",\n";
  print_json_totals(out, "arrival_totals", "destination", overview.arrival_totals);
  out << "\n}\n";
}

}  // namespace

void inspect(const std::filesystem::path& path, std::ostream& out, InspectFormat format) {
  const Overview overview = read_overview(path);
  std::ostringstream text;
  if (format == InspectFormat::json) {
    print_json(overview, text);
  } else {
    print_text(overview, text);
  }
  out << text.str();
}

}  // namespace tumen::output
