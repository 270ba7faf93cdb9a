#include "tumen/csv_table.hpp"

#include "tumen/limits.hpp"

#include <algorithm>

namespace tumen {

bool is_clean_text(std::string_view text, int& line, int& column) {
  line = 1;
  column = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (byte < 0x80) {
      if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return false;
      if (byte == 0x7f) return false;
    } else if ((byte & 0xe0) == 0xc0 && byte >= 0xc2) {
      length = 2;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
    } else if ((byte & 0xf8) == 0xf0 && byte <= 0xf4) {
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    if (byte == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return true;
}

std::optional<CsvTable> CsvTable::parse(const std::string& path, std::string_view text,
                                        Diagnostics& diagnostics) {
  int bad_line = 0;
  int bad_column = 0;
  if (!is_clean_text(text, bad_line, bad_column)) {
    diagnostics.error({path, bad_line, bad_column},
                      "expected UTF-8 text, found a binary or non-UTF-8 byte");
    return std::nullopt;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  CsvTable table;
  table.path_ = path;
  std::vector<std::vector<CsvField>> records;
  std::vector<CsvField> record;
  CsvField field;
  int line = 1;
  int column = 1;
  bool in_quotes = false;
  bool field_started = false;
  bool record_has_content = false;
  field.line = 1;
  field.column = 1;

  // Every field costs about 48 bytes however short it is: bound the count (docs/reliability.md).
  std::size_t fields = 0;
  std::string too_large;
  auto count_field = [&] {
    if (++fields > limits::kTableFields) {
      too_large = "more than " + std::to_string(limits::kTableFields) + " fields";
    } else if (record.size() > limits::kTableColumns) {
      too_large = "a row of more than " + std::to_string(limits::kTableColumns) + " fields";
    }
  };
  auto end_field = [&] {
    count_field();
    record.push_back(std::move(field));
    field = CsvField{};
    field.line = line;
    field.column = column + 1;
    field_started = false;
  };
  auto end_record = [&] {
    if (record_has_content || !record.empty()) {
      count_field();
      record.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    record.clear();
    field = CsvField{};
    field_started = false;
    record_has_content = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!too_large.empty()) {
      diagnostics.error({path, line, column}, "the table holds " + too_large +
                                                  ", more than tumen reads (docs/reliability.md)");
      return std::nullopt;
    }
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.text += '"';
          ++i;
          ++column;
        } else {
          in_quotes = false;
        }
      } else {
        field.text += c;
        if (c == '\n') {
          ++line;
          column = 0;
        }
      }
      ++column;
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field.quoted = true;
      field_started = true;
      record_has_content = true;
    } else if (c == ',') {
      record_has_content = true;
      end_field();
    } else if (c == '\r') {
      // tolerated before \n
    } else if (c == '\n') {
      end_record();
      ++line;
      column = 0;
      field.line = line;
      field.column = 1;
    } else {
      if (!field_started) {
        field.line = line;
        field.column = column;
      }
      field.text += c;
      field_started = true;
      record_has_content = true;
    }
    ++column;
  }
  if (in_quotes) {
    diagnostics.error({path, line, column}, "expected a closing '\"', found the end of the file");
    return std::nullopt;
  }
  end_record();
  if (!too_large.empty()) {
    diagnostics.error({path, line, 1}, "the table holds " + too_large +
                                           ", more than tumen reads (docs/reliability.md)");
    return std::nullopt;
  }

  // Trim the spaces around unquoted fields; a line starting with '#' is a comment.
  for (auto& r : records) {
    for (auto& f : r) {
      if (f.quoted) continue;
      const auto first = f.text.find_first_not_of(" \t");
      const auto last = f.text.find_last_not_of(" \t");
      f.text = first == std::string::npos ? std::string{} : f.text.substr(first, last - first + 1);
    }
  }
  std::erase_if(records, [](const std::vector<CsvField>& r) {
    return (r.size() == 1 && r[0].text.empty()) || (!r.empty() && r[0].text.starts_with("#"));
  });
  if (records.empty()) {
    diagnostics.error({path, 1, 1}, "expected a header row, found an empty table");
    return std::nullopt;
  }
  table.header_ = std::move(records.front());
  for (std::size_t i = 1; i < records.size(); ++i) {
    auto& r = records[i];
    if (r.size() != table.header_.size()) {
      diagnostics.error({path, r.front().line, 1},
                        "expected " + std::to_string(table.header_.size()) +
                            " fields as in the header, found " + std::to_string(r.size()));
      continue;
    }
    table.rows_.push_back(std::move(r));
  }
  return table;
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i].text == name) return i;
  }
  return std::nullopt;
}

bool CsvTable::check_columns(const std::vector<std::string>& required,
                             const std::vector<std::string>& optional,
                             Diagnostics& diagnostics) const {
  bool ok = true;
  std::vector<std::string> known = required;
  known.insert(known.end(), optional.begin(), optional.end());
  for (const auto& name : required) {
    if (!column(name)) {
      diagnostics.error({path_, 1, 1}, "missing column '" + name + "'");
      ok = false;
    }
  }
  for (std::size_t i = 0; i < header_.size(); ++i) {
    const auto& h = header_[i];
    if (std::find(known.begin(), known.end(), h.text) != known.end()) {
      if (std::count_if(header_.begin(), header_.end(),
                        [&](const CsvField& o) { return o.text == h.text; }) > 1 &&
          column(h.text) != i) {
        diagnostics.error({path_, h.line, h.column}, "duplicate column '" + h.text + "'");
      }
      continue;
    }
    std::string message = "unknown column '" + h.text + "'";
    if (auto hint = closest_match(h.text, known); !hint.empty()) {
      message += "; did you mean '" + hint + "'?";
    }
    diagnostics.error({path_, h.line, h.column}, message);
  }
  return ok;
}

}  // namespace tumen
