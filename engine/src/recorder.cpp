#include "tumen/recorder.hpp"

#include <algorithm>

namespace tumen {

namespace {
struct Sizes {
  std::size_t events, location_events, arrivals, years, routes, stocks, occupancy;
};
Sizes sizes(const CounterShape& s) {
  return {kEventCount * kSexCount,
          s.locations * kEventCount,
          s.destinations * kSexCount,
          s.destinations * kYearsAbroadBins,
          s.routes,
          kStateCount * kSexCount,
          s.locations};
}
}  // namespace

TallyScratch::TallyScratch(const CounterShape& shape) {
  const Sizes n = sizes(shape);
  storage_.assign(
      n.events + n.location_events + n.arrivals + n.years + n.routes + n.stocks + n.occupancy, 0);
  std::int64_t* p = storage_.data();
  tally_.events = p;
  tally_.location_events = p += n.events;
  tally_.arrivals = p += n.location_events;
  tally_.arrivals_by_years_abroad = p += n.arrivals;
  tally_.route_flow = p += n.years;
  tally_.stocks_now = p += n.routes;
  tally_.occupancy_now = p += n.stocks;
}

void TallyScratch::drain_into(const Tally& target, const CounterShape& shape) {
  const Sizes n = sizes(shape);
  auto add = [](std::int64_t* to, std::int64_t* from, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      to[i] += from[i];
      from[i] = 0;
    }
  };
  add(target.events, tally_.events, n.events);
  add(target.location_events, tally_.location_events, n.location_events);
  add(target.arrivals, tally_.arrivals, n.arrivals);
  add(target.arrivals_by_years_abroad, tally_.arrivals_by_years_abroad, n.years);
  add(target.route_flow, tally_.route_flow, n.routes);
  add(target.stocks_now, tally_.stocks_now, n.stocks);
  add(target.occupancy_now, tally_.occupancy_now, n.occupancy);
}

Recorder::Recorder(const CounterShape& shape) : shape_(shape) {
  const Sizes n = sizes(shape);
  result_.events.assign(shape.periods * n.events, 0);
  result_.location_events.assign(shape.periods * n.location_events, 0);
  result_.arrivals.assign(shape.periods * n.arrivals, 0);
  result_.arrivals_by_years_abroad.assign(shape.periods * n.years, 0);
  result_.stocks.assign(shape.periods * n.stocks, 0);
  result_.occupancy.assign(shape.periods * n.occupancy, 0);
  result_.route_flow.assign(n.routes, 0);
  stocks_now_.assign(n.stocks, 0);
  occupancy_now_.assign(n.occupancy, 0);
}

Tally Recorder::tally(std::size_t p) {
  const Sizes n = sizes(shape_);
  Tally t;
  t.events = result_.events.data() + p * n.events;
  t.location_events = result_.location_events.data() + p * n.location_events;
  t.arrivals = result_.arrivals.data() + p * n.arrivals;
  t.arrivals_by_years_abroad = result_.arrivals_by_years_abroad.data() + p * n.years;
  t.route_flow = result_.route_flow.data();
  t.stocks_now = stocks_now_.data();
  t.occupancy_now = occupancy_now_.data();
  return t;
}

void Recorder::snapshot(std::size_t p) {
  const Sizes n = sizes(shape_);
  std::copy(stocks_now_.begin(), stocks_now_.end(),
            result_.stocks.begin() + static_cast<std::ptrdiff_t>(p * n.stocks));
  std::copy(occupancy_now_.begin(), occupancy_now_.end(),
            result_.occupancy.begin() + static_cast<std::ptrdiff_t>(p * n.occupancy));
}

}  // namespace tumen
