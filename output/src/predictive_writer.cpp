#include "tumen/output/predictive_writer.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "detail/file_access.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "detail/quantile.hpp"
#include "tumen/output/h5_reader.hpp"

namespace tumen::output {

namespace {

using detail::ErrorContext;

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Where each name lies in a coordinate; throws when the file lacks one the quantities need.
std::size_t index_of(const std::vector<std::string>& names, const std::string& name,
                     const std::string& coordinate, const ErrorContext& errors) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) errors.fail("the " + coordinate + " coordinate has no '" + name + "'");
  return static_cast<std::size_t>(found - names.begin());
}

// One yearly quantity of /predictive. docs/calibration.md ("Posterior predictive") says why
// each is defined as it is.
struct Quantity {
  std::string name;
  std::string long_name;
  std::string units;
};

const std::vector<Quantity>& quantities() {
  static const std::vector<Quantity> list = {
      {"departures", "departures from home (event departed: first departures and re-attempts)",
       "people"},
      {"first_departures", "people leaving home for the first time (event first_departure)",
       "people"},
      {"border_crossings", "border crossings out of the home country (event crossed_border)",
       "people"},
      {"caught_at_border", "people caught on the home side of the border (event caught_at_border)",
       "people"},
      {"arrests_in_china",
       "arrests at places whose country is CN (arrested_in_transit and arrested_in_third_country)",
       "people"},
      {"arrests_in_third_countries",
       "arrests abroad at places whose country is not CN (arrested_in_transit and "
       "arrested_in_third_country)",
       "people"},
      {"repatriated", "people returned from detention abroad (event repatriated)", "people"},
      {"hiding_at_year_end", "people hiding abroad at the end of the year (state hiding)",
       "people"},
      {"detained_at_year_end", "people detained abroad at the end of the year (state detained)",
       "people"},
      {"imprisoned_at_year_end",
       "people punished at home at the end of the year (state imprisoned)", "people"},
      {"arrivals_observed_destinations",
       "arrivals at the calibration's observed destinations (event arrived there)", "people"},
      {"female_arrivals_observed_destinations",
       "female arrivals at the calibration's observed destinations", "people"},
      {"female_share_observed_destinations",
       "female share of the arrivals at the observed destinations (replicates with arrivals)", "1"},
      {"arrivals_elsewhere", "arrivals at the other destinations", "people"},
      {"deaths", "deaths (event died: killed at the border or died in custody)", "people"},
  };
  return list;
}

// The per-replicate values of every quantity: [quantity][year][replicate].
using Samples = std::vector<std::vector<std::vector<double>>>;

Samples read_samples(const std::filesystem::path& path, const PredictiveInputs& inputs) {
  const ErrorContext errors(path.string());
  const H5Reader file(path);
  for (const char* dataset : {"/events", "/location_events", "/arrivals", "/stocks"}) {
    if (!file.exists(dataset)) {
      errors.fail(std::string("has no ") + dataset + ", which /predictive is computed from");
    }
  }
  const auto events = file.strings("/event");
  const auto states = file.strings("/state");
  const auto countries = file.strings("/location_country");
  const auto destinations = file.strings("/destination");
  const std::size_t event_count = events.size();
  const std::size_t state_count = states.size();
  const std::size_t location_count = countries.size();
  const std::size_t destination_count = destinations.size();
  constexpr std::size_t kSexes = 2;
  const std::size_t years = inputs.years.size();
  const std::size_t replicates = inputs.particles.size();
  if (file.shape("/events").at(1) != years) {
    errors.fail("has " + std::to_string(file.shape("/events").at(1)) + " periods, expected " +
                std::to_string(years) + " years");
  }
  auto event = [&](const char* name) { return index_of(events, name, "event", errors); };
  auto state = [&](const char* name) { return index_of(states, name, "state", errors); };
  const std::size_t departed = event("departed");
  const std::size_t first_departure = event("first_departure");
  const std::size_t crossed = event("crossed_border");
  const std::size_t caught = event("caught_at_border");
  const std::size_t arrested_transit = event("arrested_in_transit");
  const std::size_t arrested_third = event("arrested_in_third_country");
  const std::size_t repatriated = event("repatriated");
  const std::size_t died = event("died");
  const std::size_t hiding = state("hiding");
  const std::size_t detained = state("detained");
  const std::size_t imprisoned = state("imprisoned");
  std::vector<bool> observed_destination(destination_count, false);
  for (const std::string& name : inputs.observed_destinations) {
    observed_destination[index_of(destinations, name, "destination", errors)] = true;
  }

  Samples samples(quantities().size(),
                  std::vector<std::vector<double>>(years, std::vector<double>(replicates)));
  for (std::size_t r = 0; r < replicates; ++r) {
    const auto ev = file.int64_replicate("/events", r).values;           // [t][event][sex]
    const auto le = file.int64_replicate("/location_events", r).values;  // [t][location][event]
    const auto ar = file.int64_replicate("/arrivals", r).values;         // [t][destination][sex]
    const auto st = file.int64_replicate("/stocks", r).values;           // [t][state][sex]
    for (std::size_t t = 0; t < years; ++t) {
      auto by_sex = [&](const std::vector<std::int64_t>& values, std::size_t width,
                        std::size_t column) {
        const std::size_t cell = (t * width + column) * kSexes;
        return static_cast<double>(values[cell] + values[cell + 1]);
      };
      double arrests_china = 0.0;
      double arrests_elsewhere = 0.0;
      for (std::size_t l = 0; l < location_count; ++l) {
        const std::size_t cell = (t * location_count + l) * event_count;
        const auto arrests =
            static_cast<double>(le[cell + arrested_transit] + le[cell + arrested_third]);
        (countries[l] == "CN" ? arrests_china : arrests_elsewhere) += arrests;
      }
      double arrivals = 0.0;
      double female = 0.0;
      double other = 0.0;
      for (std::size_t d = 0; d < destination_count; ++d) {
        const std::size_t cell = (t * destination_count + d) * kSexes;
        const auto total = static_cast<double>(ar[cell] + ar[cell + 1]);
        if (observed_destination[d]) {
          arrivals += total;
          female += static_cast<double>(ar[cell]);
        } else {
          other += total;
        }
      }
      const std::vector<double> row = {
          by_sex(ev, event_count, departed),
          by_sex(ev, event_count, first_departure),
          by_sex(ev, event_count, crossed),
          by_sex(ev, event_count, caught),
          arrests_china,
          arrests_elsewhere,
          by_sex(ev, event_count, repatriated),
          by_sex(st, state_count, hiding),
          by_sex(st, state_count, detained),
          by_sex(st, state_count, imprisoned),
          arrivals,
          female,
          arrivals > 0 ? female / arrivals : kMissing,
          other,
          by_sex(ev, event_count, died),
      };
      for (std::size_t q = 0; q < row.size(); ++q) samples[q][t][r] = row[q];
    }
  }
  return samples;
}

bool object_exists(const ErrorContext& errors, hid_t file, const std::string& path) {
  return errors.check(H5Lexists(file, path.c_str(), H5P_DEFAULT), "look for " + path) > 0;
}

void write_parameters(const ErrorContext& errors, hid_t file, const PredictiveInputs& inputs) {
  const std::string group_path = "/parameters";
  const detail::Group group = detail::create_group(errors, file, group_path);
  detail::write_string_attribute(
      errors, group.id(), group_path, "description",
      "the parameter values each replicate was run with, drawn from the final generation of the "
      "calibration");
  const std::size_t replicates = inputs.particles.size();
  std::vector<std::int64_t> numbers(replicates);
  for (std::size_t r = 0; r < replicates; ++r) numbers[r] = static_cast<std::int64_t>(r);
  const std::string scale_path = group_path + "/replicate";
  const detail::Dataset scale = detail::write_number_dataset(errors, file, scale_path, numbers);
  detail::set_scale(errors, scale, scale_path, "replicate");
  const std::string particle_path = group_path + "/particle";
  const detail::Dataset particle =
      detail::write_number_dataset(errors, file, particle_path, inputs.particles);
  detail::describe(errors, particle.id(), particle_path,
                   "index of the particle drawn from the final generation");
  detail::attach_scale(errors, particle, particle_path, scale, "replicate", 0);
  const std::size_t count = inputs.parameters.size();
  for (std::size_t k = 0; k < count; ++k) {
    std::vector<double> column(replicates);
    for (std::size_t r = 0; r < replicates; ++r) column[r] = inputs.values[r * count + k];
    const std::string path = group_path + "/" + inputs.parameters[k];
    const detail::Dataset dataset =
        detail::write_float64_array(errors, file, path, {replicates}, column);
    detail::describe(errors, dataset.id(), path, "drawn value of " + inputs.parameters[k]);
    detail::attach_scale(errors, dataset, path, scale, "replicate", 0);
  }
}

void write_predictive(const ErrorContext& errors, hid_t file, const PredictiveInputs& inputs,
                      const Samples& samples) {
  const std::string group_path = "/predictive";
  const detail::Group group = detail::create_group(errors, file, group_path);
  detail::write_number_attribute<std::uint64_t>(
      errors, group.id(), group_path, "posterior_generation", inputs.posterior_generation);
  detail::write_number_attribute<std::uint64_t>(errors, group.id(), group_path, "replicates",
                                                inputs.particles.size());
  detail::write_string_attribute(errors, group.id(), group_path, "calibration_scenario_hash",
                                 inputs.calibration_scenario_hash);
  // Which scenario the draws ran on: the calibrated base, or a policy variant of it whose
  // replicate i is paired with replicate i of the base's predictive file (docs/calibration.md).
  detail::write_string_attribute(errors, group.id(), group_path, "scenario_kind",
                                 inputs.variant_scenario_hash.empty() ? "base" : "variant");
  if (!inputs.variant_scenario_hash.empty()) {
    detail::write_string_attribute(errors, group.id(), group_path, "variant_scenario_hash",
                                   inputs.variant_scenario_hash);
  }
  std::string destinations;
  for (const std::string& name : inputs.observed_destinations) {
    destinations += (destinations.empty() ? "" : ", ") + name;
  }
  detail::write_string_attribute(errors, group.id(), group_path, "observed_destinations",
                                 destinations);

  const std::string year_path = group_path + "/year";
  const detail::Dataset year = detail::write_number_dataset(errors, file, year_path, inputs.years);
  detail::set_scale(errors, year, year_path, "year");
  detail::describe(errors, year.id(), year_path, "calendar year");
  const std::string quantile_path = group_path + "/quantile";
  const detail::Dataset quantile = detail::write_float64_array(
      errors, file, quantile_path, {predictive_quantile_levels.size()},
      std::vector<double>(predictive_quantile_levels.begin(), predictive_quantile_levels.end()));
  detail::set_scale(errors, quantile, quantile_path, "quantile");
  detail::describe(errors, quantile.id(), quantile_path, "probability of the quantile");

  const std::size_t years = inputs.years.size();
  const std::size_t levels = predictive_quantile_levels.size();
  for (std::size_t q = 0; q < quantities().size(); ++q) {
    std::vector<double> values(years * levels);
    for (std::size_t t = 0; t < years; ++t) {
      const auto quantiles = predictive_quantiles(samples[q][t]);
      std::copy(quantiles.begin(), quantiles.end(), values.begin() + static_cast<long>(t * levels));
    }
    const Quantity& quantity = quantities()[q];
    const std::string path = group_path + "/" + quantity.name;
    const detail::Dataset dataset =
        detail::write_float64_array(errors, file, path, {years, levels}, values);
    detail::describe(errors, dataset.id(), path, quantity.long_name, quantity.units);
    detail::attach_scale(errors, dataset, path, year, "year", 0);
    detail::attach_scale(errors, dataset, path, quantile, "quantile", 1);
  }

  const struct {
    const char* name;
    const char* long_name;
    const char* units;
    const std::vector<double>& values;
  } observed[] = {
      {"observed_arrivals", "observed arrivals at the observed destinations (NaN: not observed)",
       "people", inputs.observed_total},
      {"observed_female_share", "observed female share of arrivals (NaN: not observed)", "1",
       inputs.observed_female_share},
  };
  for (const auto& series : observed) {
    const std::string path = group_path + "/" + series.name;
    const detail::Dataset dataset =
        detail::write_float64_array(errors, file, path, {years}, series.values);
    detail::describe(errors, dataset.id(), path, series.long_name, series.units);
    detail::attach_scale(errors, dataset, path, year, "year", 0);
  }
}

}  // namespace

std::array<double, 5> predictive_quantiles(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  std::array<double, 5> result{};
  for (std::size_t i = 0; i < result.size(); ++i) {
    result[i] = detail::linear_quantile(values, predictive_quantile_levels[i]);
  }
  return result;
}

void add_predictive(const std::filesystem::path& path, const PredictiveInputs& inputs) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  const std::size_t years = inputs.years.size();
  if (inputs.values.size() != inputs.particles.size() * inputs.parameters.size() ||
      inputs.observed_total.size() != years || inputs.observed_female_share.size() != years) {
    errors.fail("the posterior predictive inputs disagree in size");
  }
  const Samples samples = read_samples(path, inputs);

  const detail::PropertyList access = detail::file_access(errors);
  detail::File file(
      errors.check(H5Fopen(path.c_str(), H5F_ACC_RDWR, access.id()), "open the file for writing"));
  // An earlier finish that was interrupted may have left them: they are written anew.
  for (const char* group : {"/parameters", "/predictive"}) {
    if (object_exists(errors, file.id(), group)) {
      errors.check(H5Ldelete(file.id(), group, H5P_DEFAULT), std::string("delete ") + group);
    }
  }
  write_parameters(errors, file.id(), inputs);
  write_predictive(errors, file.id(), inputs, samples);
  // Closing writes the last metadata, so its failure is a failure of the command.
  errors.check(file.close(), "close the file");
}

}  // namespace tumen::output
