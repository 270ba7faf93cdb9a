#include "tumen/output/inspect.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "detail/quantile.hpp"
#include "tumen/output/h5_reader.hpp"

namespace tumen::output {

namespace {

std::string fixed(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

void print_row(std::ostream& out, const std::vector<std::string>& cells,
               const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t column = 0; column < cells.size(); ++column) {
    const std::string& cell = cells[column];
    const std::string padding(widths[column] - cell.size(), ' ');
    // Names left-aligned, numbers right-aligned so that their digits line up.
    line += column == 0 ? cell + padding : "  " + padding + cell;
  }
  out << line << '\n';
}

}  // namespace

void inspect(const std::filesystem::path& path, std::ostream& out) {
  const H5Reader reader(path);

  const std::vector<std::uint8_t> done = reader.replicate_done();
  std::vector<std::size_t> completed;
  for (std::size_t index = 0; index < done.size(); ++index) {
    if (done[index] == 1) completed.push_back(index);
  }
  const bool finished = reader.has_attribute("/provenance", "finished_utc");

  out << "file           " << path.string() << '\n';
  out << "scenario       " << reader.string_attribute("scenario_name") << '\n';
  out << "scenario_hash  " << reader.string_attribute("scenario_hash") << '\n';
  out << "seed           " << reader.uint64_attribute("seed") << '\n';
  out << "replicates     " << completed.size() << " of " << done.size() << " done (range "
      << reader.string_attribute("replicate_range") << " of "
      << reader.uint64_attribute("replicate_total") << ")\n";
  out << "finished       "
      << (finished ? reader.string_attribute("/provenance", "finished_utc")
                   : std::string("no (interrupted or still running)"))
      << '\n';
  out << "period         " << reader.string_attribute("period") << ", "
      << reader.string_attribute("start_date") << " to " << reader.string_attribute("end_date")
      << '\n';
  out << "dimensions    ";
  for (const char* dimension : {"replicate", "time", "location", "destination", "event", "state",
                                "sex", "route", "years_abroad"}) {
    out << ' ' << dimension << '=' << reader.shape(std::string("/") + dimension).at(0);
  }
  out << "\n\n";

  if (completed.empty()) {
    out << "No replicate is completely written yet.\n";
    return;
  }

  // One replicate at a time, so that memory does not grow with the replicate count.
  const std::vector<std::string> events = reader.strings("/event");
  std::vector<std::vector<double>> totals(events.size());  // [event][completed replicate]
  for (const std::size_t index : completed) {
    const Int64Array counts = reader.int64_replicate("/events", index);  // [time, event, sex]
    const std::size_t periods = counts.shape.at(0);
    const std::size_t sexes = counts.shape.at(2);
    for (std::size_t event = 0; event < events.size(); ++event) {
      std::int64_t total = 0;
      for (std::size_t period = 0; period < periods; ++period) {
        for (std::size_t sex = 0; sex < sexes; ++sex) total += counts.at({period, event, sex});
      }
      totals[event].push_back(static_cast<double>(total));
    }
  }

  out << "Events over the whole run, summed over time and sex, across " << completed.size()
      << " completed replicate" << (completed.size() == 1 ? "" : "s") << ":\n";
  std::vector<std::vector<std::string>> rows = {{"event", "mean", "p5", "p95"}};
  for (std::size_t event = 0; event < events.size(); ++event) {
    const std::vector<double>& sample = totals[event];
    double sum = 0.0;
    for (const double total : sample) sum += total;
    rows.push_back({events[event], fixed(sum / static_cast<double>(sample.size())),
                    fixed(detail::linear_quantile(sample, 0.05)),
                    fixed(detail::linear_quantile(sample, 0.95))});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) print_row(out, row, widths);
}

}  // namespace tumen::output
