#pragma once
// The CSV reader (tumen/csv_table.hpp) on arbitrary bytes, in memory, with the column check that
// the places table gets.
#include <algorithm>
#include <string>
#include <string_view>

#include "invariants.hpp"
#include "tumen/csv_table.hpp"

namespace tumen::fuzz {

inline InputOutcome parse_csv_input(std::string_view input, Diagnostics& diagnostics) {
  const std::string path = "input.csv";
  const auto table = CsvTable::parse(path, input, diagnostics);
  check_diagnostics(diagnostics, path);
  if (!table) {
    expect(diagnostics.has_errors(), "a table refused without an error");
    return InputOutcome::rejected;
  }
  expect(!table->header().empty(), "a table without a header");
  const auto lines = static_cast<int>(std::count(input.begin(), input.end(), '\n')) + 1;
  auto check_field = [&](const CsvField& field) {
    expect(field.line >= 1 && field.line <= lines && field.column >= 1,
           "a field at line " + std::to_string(field.line) + ", column " +
               std::to_string(field.column) + " of " + std::to_string(lines) + " lines");
  };
  for (const CsvField& field : table->header()) {
    check_field(field);
    expect(table->column(field.text).has_value(), "a header name that column() cannot find");
  }
  for (const auto& row : table->rows()) {
    expect(row.size() == table->header().size(), "a row of another width than the header");
    for (const CsvField& field : row) check_field(field);
  }
  (void)table->check_columns({"name", "kind", "country"},
                             {"departure_weight", "goal_weight", "pass_on_to", "patrol_intensity"},
                             diagnostics);
  check_diagnostics(diagnostics, path);
  return diagnostics.has_errors() ? InputOutcome::rejected : InputOutcome::accepted;
}

}  // namespace tumen::fuzz
