// tumen validate: check a scenario and print a one-screen summary of it.
#include <array>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/timeline.hpp"

namespace tumen::cli {

int validate_command(const std::string& path, const std::vector<std::string>& set) {
  Diagnostics diagnostics;
  const auto scenario = load_scenario(path, LoadOptions{set}, diagnostics);
  diagnostics.print(std::cerr);
  if (!scenario) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << " in " << path << '\n';
    return kInvalidInput;
  }
  const Scenario& s = *scenario;
  std::cout << s.name << ": valid\n";
  if (!s.description.empty()) std::cout << "  " << s.description << '\n';
  std::cout << "  period      " << s.start.iso() << " to " << s.end.iso() << " (" << s.day_count()
            << " days)\n";
  std::array<int, kPlaceKindNames.size()> kinds{};
  for (const auto& p : s.places) ++kinds[static_cast<std::size_t>(p.kind)];
  std::cout << "  places      " << s.places.size() << ":";
  for (std::size_t k = 0; k < kinds.size(); ++k)
    std::cout << ' ' << kinds[k] << ' ' << kPlaceKindNames[k];
  std::size_t broker_only = 0;
  for (const auto& r : s.routes) broker_only += r.broker == BrokerUse::required ? 1 : 0;
  std::cout << "\n  routes      " << s.routes.size() << " (" << broker_only << " need a broker)\n";
  std::cout << "  timeline    " << s.timeline.size() << " dated changes, " << s.mass_returns.size()
            << " mass returns\n";
  // Expected first departures: the departure rate summed over the days, with the push factors.
  const Timeline timeline(s);
  double expected = 0.0;
  double weight_total = 0.0;
  for (const auto& p : s.places)
    weight_total += p.kind == PlaceKind::origin ? p.departure_weight : 0.0;
  for (std::int32_t d = 0; d < s.day_count(); ++d) {
    const double rate = timeline.global(Param::departure_rate_per_day).at(d);
    for (std::uint32_t i = 0; i < s.places.size(); ++i) {
      if (s.places[i].kind != PlaceKind::origin) continue;
      expected += rate * s.places[i].departure_weight / weight_total *
                  timeline.place(Param::departure_push, i).at(d);
    }
  }
  char line[120];
  std::snprintf(
      line, sizeof line,
      "  agents      about %.0f first departures per replicate (before the family chain)\n",
      expected);
  std::cout << line;
  std::cout << "  run         " << s.run.replicates << " replicates, seed " << s.run.seed << ", "
            << to_string(s.run.period) << "ly output\n";
  std::cout << "  hash        " << s.hash << '\n';
  return kSuccess;
}

}  // namespace tumen::cli
