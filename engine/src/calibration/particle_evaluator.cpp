#include "tumen/calibration/particle_evaluator.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "tumen/calibration/proposal_stream.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

namespace tumen::calibration {

namespace {

std::optional<Scenario> load_with(const CalibrationSpec& spec,
                                  const std::vector<std::string>& overrides,
                                  std::string& problems) {
  Diagnostics diagnostics;
  auto scenario = load_scenario(spec.scenario_path, LoadOptions{overrides}, diagnostics);
  if (!scenario) {
    std::ostringstream text;
    for (const Diagnostic& d : diagnostics.all()) {
      if (d.severity == Severity::error) text << format(d) << '\n';
    }
    problems = text.str();
  }
  return scenario;
}

}  // namespace

ParticleEvaluator::ParticleEvaluator(const CalibrationSpec& spec) : spec_(spec) {
  std::string problems;
  const auto base = load_with(spec, {}, problems);
  if (!base) throw ParticleError("the base scenario no longer loads:\n" + problems);
  for (const ScenarioFile& file : base->files) base_files_.push_back(file.text);
}

std::vector<std::string> ParticleEvaluator::overrides(std::span<const double> particle) const {
  std::vector<std::string> sets;
  for (std::size_t k = 0; k < spec_.parameters.size(); ++k) {
    char value[40];
    std::snprintf(value, sizeof value, "%.17g", particle[k]);
    sets.push_back(spec_.parameters[k].name + "=" + value);
  }
  return sets;
}

std::vector<SimulatedYear> ParticleEvaluator::simulate(std::span<const double> particle,
                                                       std::uint64_t generation,
                                                       std::uint64_t attempt) const {
  const std::vector<std::string> sets = overrides(particle);
  std::string problems;
  auto scenario = load_with(spec_, sets, problems);
  if (!scenario) {
    std::string values;
    for (const std::string& set : sets) values += (values.empty() ? "" : ", ") + set;
    throw ParticleError("the base scenario refuses the particle " + values + ":\n" + problems);
  }
  std::vector<std::string> files;
  for (const ScenarioFile& file : scenario->files) files.push_back(file.text);
  if (files != base_files_) {
    throw ParticleError(spec_.scenario_path.string() +
                        ": error: the base scenario's files changed during the calibration");
  }
  const Model model(std::move(*scenario), Period::year);
  const Scenario& s = model.scenario();

  // The observed years' periods and the destinations' columns of ReplicateResult::arrivals.
  std::vector<std::int64_t> period_of_year(spec_.observed.size(), -1);
  for (std::size_t t = 0; t < model.period_count(); ++t) {
    const int year = Date{s.start.days_since_epoch + model.period_start_days()[t]}.year();
    for (std::size_t i = 0; i < spec_.observed.size(); ++i) {
      if (spec_.observed[i].year == year) period_of_year[i] = static_cast<std::int64_t>(t);
    }
  }
  const auto& destinations = model.network().destinations();
  std::vector<std::size_t> columns;
  for (std::size_t d = 0; d < destinations.size(); ++d) {
    const std::string& name = s.places[destinations[d]].name;
    if (std::find(spec_.destinations.begin(), spec_.destinations.end(), name) !=
        spec_.destinations.end()) {
      columns.push_back(d);
    }
  }
  constexpr std::size_t kSexes = 2;  // female, male: the order of /sex
  const std::size_t destination_count = destinations.size();

  std::vector<SimulatedYear> years(spec_.observed.size());
  for (std::uint64_t r = 0; r < spec_.replicates; ++r) {
    Simulation simulation(model, replicate_key(spec_.seed, generation, attempt, r));
    simulation.run();
    const ReplicateResult result = simulation.take_result();
    for (std::size_t i = 0; i < years.size(); ++i) {
      if (period_of_year[i] < 0) continue;
      const auto t = static_cast<std::size_t>(period_of_year[i]);
      for (const std::size_t d : columns) {
        const std::size_t cell = (t * destination_count + d) * kSexes;
        const auto female = static_cast<double>(result.arrivals[cell]);
        const auto male = static_cast<double>(result.arrivals[cell + 1]);
        years[i].female += female;
        years[i].total += female + male;
      }
    }
  }
  const auto replicates = static_cast<double>(spec_.replicates);
  for (SimulatedYear& year : years) {
    year.total /= replicates;
    year.female /= replicates;
  }
  return years;
}

double ParticleEvaluator::distance(std::span<const double> particle, std::uint64_t generation,
                                   std::uint64_t attempt) const {
  const std::vector<SimulatedYear> years = simulate(particle, generation, attempt);
  return arrivals_distance(spec_.observed, years, spec_.weights);
}

}  // namespace tumen::calibration
