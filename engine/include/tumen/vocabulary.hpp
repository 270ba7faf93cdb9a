#pragma once
// The events that are counted and the states people are in. Their names are the /event and
// /state coordinates of the output; the order here is the order there.
#include <array>
#include <cstdint>

namespace tumen {

enum class Event : std::uint8_t {
  departed,                   // every departure attempt, first or not
  first_departure,            // a person's first attempt
  sponsored_departure,        // a departure arranged and paid for by family abroad
  crossed_border,             // left the home country (North Korea)
  caught_at_border,           // caught on the home side; punished without having left
  arrested_in_transit,        // arrested in a transit country (China)
  arrested_in_third_country,  // arrested in a third country
  passed_on,                  // arrested in a third country and handed on to a destination
  started_hiding,             // began hiding at a transit place
  broker_hired,               // a broker contract was granted
  broker_refused,             // a broker hub had no capacity left this month
  betrayed,                   // a broker betrayed the client (to police or traffickers)
  repatriated,                // returned from detention abroad to North Korea
  mass_returned,              // repatriated in a mass-return event (also counted as repatriated)
  released,                   // released from punishment
  arrived,                    // reached a destination
  died,                       // died (killed at the border or in custody)
  count_
};

inline constexpr std::size_t kEventCount = static_cast<std::size_t>(Event::count_);
inline constexpr std::array<const char*, kEventCount> kEventNames = {"departed",
                                                                     "first_departure",
                                                                     "sponsored_departure",
                                                                     "crossed_border",
                                                                     "caught_at_border",
                                                                     "arrested_in_transit",
                                                                     "arrested_in_third_country",
                                                                     "passed_on",
                                                                     "started_hiding",
                                                                     "broker_hired",
                                                                     "broker_refused",
                                                                     "betrayed",
                                                                     "repatriated",
                                                                     "mass_returned",
                                                                     "released",
                                                                     "arrived",
                                                                     "died"};

// Detention and punishment are states, not places: a detained person stays at the place of
// arrest, a punished person is counted at their origin province (docs/model.md).
enum class State : std::uint8_t {
  at_home,     // never left yet (whole-population mode only)
  travelling,  // on a route, or at a place deciding where to go next
  hiding,      // hiding at a transit place (work, marriage, trafficking)
  detained,    // held abroad after arrest, awaiting return
  imprisoned,  // punished in North Korea after being caught or returned
  back_home,   // released, at home; may try again
  arrived,     // reached a destination (final)
  dead,        // (final)
  count_
};

inline constexpr std::size_t kStateCount = static_cast<std::size_t>(State::count_);
inline constexpr std::array<const char*, kStateCount> kStateNames = {
    "at_home", "travelling", "hiding", "detained", "imprisoned", "back_home", "arrived", "dead"};

enum class Sex : std::uint8_t { female, male };
inline constexpr std::size_t kSexCount = 2;
inline constexpr std::array<const char*, kSexCount> kSexNames = {"female", "male"};

inline constexpr int kYearsAbroadMax = 20;

}  // namespace tumen
