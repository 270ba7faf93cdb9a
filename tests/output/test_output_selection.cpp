// --outputs: which per-replicate datasets a run writes.
#include "tumen/output/output_selection.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using tumen::output::all_outputs;
using tumen::output::is_summarised;
using tumen::output::join_outputs;
using tumen::output::normalise_outputs;
using tumen::output::parse_outputs;
using Names = std::vector<std::string>;

TEST_CASE("parse_outputs reads a list in the file's order without duplicates",
          "[output][outputs]") {
  CHECK(parse_outputs("events") == Names{"events"});
  CHECK(parse_outputs("stocks,events") == Names{"events", "stocks"});
  CHECK(parse_outputs(" occupancy , events,occupancy,") == Names{"events", "occupancy"});
  CHECK(parse_outputs("route_flow,arrivals_by_years_abroad,location_events,arrivals,events,"
                      "stocks,occupancy") == all_outputs());
  CHECK(all_outputs().size() == 7);
  CHECK(join_outputs(parse_outputs("stocks,events")) == "events,stocks");
  CHECK(join_outputs({}).empty());
  CHECK(normalise_outputs({"stocks", "events", "stocks"}) == Names{"events", "stocks"});
  CHECK(normalise_outputs({}).empty());
}

TEST_CASE("parse_outputs rejects unknown names and empty lists", "[output][outputs][bad-input]") {
  CHECK_THROWS_MATCHES(parse_outputs("events,stock"), std::invalid_argument,
                       Catch::Matchers::Message(
                           "unknown dataset 'stock'; expected a comma-separated list of: events, "
                           "location_events, arrivals, arrivals_by_years_abroad, stocks, "
                           "occupancy, route_flow"));
  CHECK_THROWS_WITH(parse_outputs(""), Catch::Matchers::StartsWith("no dataset named"));
  CHECK_THROWS_WITH(parse_outputs(" , ,"), Catch::Matchers::StartsWith("no dataset named"));
  CHECK_THROWS_WITH(parse_outputs("Events"), Catch::Matchers::Contains("'Events'"));
  CHECK_THROWS_AS(normalise_outputs({"summary"}), std::invalid_argument);
}

TEST_CASE("Four datasets are summarised", "[output][outputs]") {
  for (const char* name : {"events", "arrivals", "stocks", "occupancy"}) CHECK(is_summarised(name));
  for (const char* name : {"location_events", "arrivals_by_years_abroad", "route_flow", "x"}) {
    CHECK_FALSE(is_summarised(name));
  }
}
