#include "detail/coordinates.hpp"

#include <cstdint>
#include <utility>

#include "detail/h5_create.hpp"

namespace tumen::output::detail {

namespace {

const std::vector<std::string>* names_of(const RunDescription& run, const std::string& dimension) {
  if (dimension == "location") return &run.locations;
  if (dimension == "destination") return &run.destinations;
  if (dimension == "event") return &run.events;
  if (dimension == "state") return &run.states;
  if (dimension == "sex") return &run.sexes;
  if (dimension == "route") return &run.routes;
  return nullptr;
}

std::string long_name_of(const std::string& dimension) {
  static const std::map<std::string, std::string, std::less<>> long_names = {
      {"replicate", "replicate number"},
      {"time", "start of the period"},
      {"location", "place"},
      {"destination", "destination place"},
      {"event", "event"},
      {"state", "state of a person"},
      {"sex", "sex"},
      {"route", "route between two places (FROM->TO)"},
      {"years_abroad",
       "whole years since the first departure (the last value means that many or more)"},
  };
  return long_names.find(dimension)->second;
}

}  // namespace

Scales write_coordinates(const ErrorContext& errors, hid_t file, const std::string& group,
                         const RunDescription& run, const std::vector<std::string>& dimensions) {
  Scales scales;
  for (const std::string& dimension : dimensions) {
    const std::string path = group + "/" + dimension;
    Dataset scale;
    if (dimension == "replicate") {
      std::vector<std::int64_t> replicates;
      for (std::uint64_t replicate = run.replicate_begin; replicate < run.replicate_end;
           ++replicate) {
        replicates.push_back(static_cast<std::int64_t>(replicate));
      }
      scale = write_number_dataset(errors, file, path, replicates);
      describe(errors, scale.id(), path, long_name_of(dimension));
    } else if (dimension == "time") {
      scale = write_number_dataset(errors, file, path, run.period_start_days);
      describe(errors, scale.id(), path, long_name_of(dimension), "days since " + run.start_date);
      // CF: the calendar is proleptic Gregorian, ISO 8601's; xarray decodes time to datetime64.
      write_string_attribute(errors, scale.id(), path, "calendar", "proleptic_gregorian");
    } else if (dimension == "years_abroad") {
      std::vector<std::int32_t> years_abroad;
      for (int years = 0; years <= run.years_abroad_max; ++years) years_abroad.push_back(years);
      scale = write_number_dataset(errors, file, path, years_abroad);
      describe(errors, scale.id(), path, long_name_of(dimension), "years");
    } else {
      scale = write_string_dataset(errors, file, path, *names_of(run, dimension));
      describe(errors, scale.id(), path, long_name_of(dimension));
    }
    set_scale(errors, scale, path, dimension);
    scales[dimension] = std::move(scale);
  }

  // Properties of each location, labelled by it; the location datasets name them in their CF
  // "coordinates" attribute, so that xarray carries them along as coordinates.
  if (const auto location = scales.find("location"); location != scales.end()) {
    const std::pair<const char*, const std::vector<std::string>*> location_properties[] = {
        {"location_kind", &run.location_kinds}, {"location_country", &run.location_countries}};
    for (const auto& [name, values] : location_properties) {
      const std::string path = group + "/" + name;
      const Dataset property = write_string_dataset(errors, file, path, *values);
      describe(errors, property.id(), path,
               std::string(name) == "location_kind" ? "kind of place" : "country of the place");
      attach_scale(errors, property, path, location->second, "location", 0);
    }
  }
  return scales;
}

}  // namespace tumen::output::detail
