#include <catch2/catch.hpp>

#include "tumen/csv_table.hpp"

using namespace tumen;

TEST_CASE("CSV tables are read by header name with positions", "[csv]") {
  Diagnostics diagnostics;
  const auto table = CsvTable::parse("t.csv",
                                     "# comment\nname,kind\n\"Yan, bian\",transit\n"
                                     "  Laos ,\"third\"\"country\"\n"
                                     "\" kept \",x\n",
                                     diagnostics);
  REQUIRE(table);
  CHECK_FALSE(diagnostics.has_errors());
  REQUIRE(table->rows().size() == 3);
  CHECK(table->rows()[2][0].text == " kept ");
  CHECK(*table->column("kind") == 1);
  CHECK(table->rows()[0][0].text == "Yan, bian");
  CHECK(table->rows()[1][0].text == "Laos");
  CHECK(table->rows()[1][1].text == "third\"country");
  CHECK(table->rows()[1][0].line == 4);
  CHECK(table->rows()[0][1].column == 13);
}

TEST_CASE("CSV rows with the wrong number of fields are reported", "[csv]") {
  Diagnostics diagnostics;
  const auto table = CsvTable::parse("t.csv", "a,b\n1,2\n1,2,3\n4\n", diagnostics);
  REQUIRE(table);
  CHECK(table->rows().size() == 1);
  REQUIRE(diagnostics.error_count() == 2);
  CHECK(format(diagnostics.all()[0]) ==
        "t.csv:3:1: error: expected 2 fields as in the header, found 3");
  CHECK(format(diagnostics.all()[1]) ==
        "t.csv:4:1: error: expected 2 fields as in the header, found 1");
}

TEST_CASE("Binary and non-UTF-8 tables are refused", "[csv]") {
  Diagnostics diagnostics;
  CHECK_FALSE(CsvTable::parse("t.csv", std::string("a,b\n1,\0", 7), diagnostics));
  CHECK_FALSE(CsvTable::parse("t.csv", "a,b\n\xff\xfe,1\n", diagnostics));
  REQUIRE(diagnostics.error_count() == 2);
  CHECK(format(diagnostics.all()[1]).starts_with("t.csv:2:1: error: expected UTF-8 text"));
}

TEST_CASE("Missing and unknown columns are reported with a hint", "[csv]") {
  Diagnostics diagnostics;
  const auto table = CsvTable::parse("t.csv", "name,knd\nx,y\n", diagnostics);
  REQUIRE(table);
  CHECK_FALSE(table->check_columns({"name", "kind"}, {"country"}, diagnostics));
  REQUIRE(diagnostics.error_count() == 2);
  CHECK(format(diagnostics.all()[0]) == "t.csv:1:1: error: missing column 'kind'");
  CHECK(format(diagnostics.all()[1]) ==
        "t.csv:1:6: error: unknown column 'knd'; did you mean 'kind'?");
}
