#include "tumen/output/stored_run.hpp"

#include <stdexcept>
#include <string>

#include "tumen/output/format.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/output_selection.hpp"

namespace tumen::output {

namespace {

[[noreturn]] void fail(const H5Reader& file, const std::string& message) {
  throw OutputError(file.path().string() + ": " + message);
}

std::string provenance_text(const H5Reader& file, const char* name) {
  return file.has_attribute("/provenance", name) ? file.string_attribute("/provenance", name)
                                                 : std::string();
}

Period period_of(const H5Reader& file) {
  const std::string period = file.string_attribute("period");
  if (period == "day") return Period::day;
  if (period == "month") return Period::month;
  if (period == "year") return Period::year;
  fail(file, "its period is \"" + period + "\", not day, month or year");
}

}  // namespace

RunDescription read_run_description(const H5Reader& file) {
  RunDescription run;
  run.tumen_version = file.string_attribute("tumen_version");
  run.rng_scheme = file.string_attribute("rng");
  run.scenario_name = file.string_attribute("scenario_name");
  run.scenario_hash = file.string_attribute("scenario_hash");
  run.seed = file.uint64_attribute("seed");
  run.replicate_total = file.uint64_attribute("replicate_total");
  const std::string range_text = file.string_attribute("replicate_range");
  const std::optional<ReplicateRange> range = parse_replicate_range(range_text);
  if (!range || range->end > run.replicate_total) {
    fail(file, "its replicate_range \"" + range_text + "\" is not A:B with A < B <= " +
                   std::to_string(run.replicate_total) + " (its replicate_total)");
  }
  run.replicate_begin = range->begin;
  run.replicate_end = range->end;
  run.start_date = file.string_attribute("start_date");
  run.end_date = file.string_attribute("end_date");
  run.period = period_of(file);

  for (const std::int64_t day : file.int64_dataset("/time").values) {
    run.period_start_days.push_back(static_cast<std::int32_t>(day));
  }
  run.locations = file.strings("/location");
  run.location_kinds = file.strings("/location_kind");
  run.location_countries = file.strings("/location_country");
  run.destinations = file.strings("/destination");
  run.events = file.strings("/event");
  run.states = file.strings("/state");
  run.sexes = file.strings("/sex");
  run.routes = file.strings("/route");
  const std::size_t year_bins = file.shape("/years_abroad").at(0);
  if (year_bins == 0) fail(file, "/years_abroad is empty");
  run.years_abroad_max = static_cast<int>(year_bins - 1);

  const std::vector<std::string> paths = file.strings("/scenario/file");
  const std::vector<std::string> texts = file.strings("/scenario/file_text");
  if (paths.size() != texts.size()) {
    fail(file, "/scenario/file and /scenario/file_text differ in length");
  }
  for (std::size_t index = 0; index < paths.size(); ++index) {
    run.scenario_files.push_back({paths[index], texts[index]});
  }
  run.set_overrides = file.strings("/scenario/set");
  const std::vector<std::string> names = file.strings("/scenario/parameter");
  const std::vector<std::string> values = file.strings("/scenario/parameter_value");
  if (names.size() != values.size()) {
    fail(file, "/scenario/parameter and /scenario/parameter_value differ in length");
  }
  for (std::size_t index = 0; index < names.size(); ++index) {
    run.effective_parameters.emplace_back(names[index], values[index]);
  }

  run.command_line = provenance_text(file, "command_line");
  run.host = provenance_text(file, "host");
  run.git_commit = provenance_text(file, "git_commit");
  run.compiler = provenance_text(file, "compiler");
  run.created_utc = provenance_text(file, "created_utc");
  return run;
}

WriterOptions read_writer_options(const H5Reader& file) {
  WriterOptions options;
  if (file.has_attribute("/", "outputs")) {
    const std::string outputs = file.string_attribute("outputs");
    try {
      options.outputs = parse_outputs(outputs);
    } catch (const std::invalid_argument& bad) {
      fail(file, "its outputs attribute \"" + outputs + "\" is not valid: " + bad.what());
    }
  }
  options.summary_only =
      file.has_attribute("/", "summary_only") && file.int64_attribute("summary_only") != 0;
  // Every per-replicate dataset of a file shares one level; replicate_done is always there.
  options.compression_level = file.gzip_level("/replicate_done");
  return options;
}

}  // namespace tumen::output
