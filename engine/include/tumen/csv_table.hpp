#pragma once
// A CSV table read by header name (RFC 4180 quoting), keeping the line and column of every field
// so that a bad value is reported where it stands.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tumen/diagnostics.hpp"

namespace tumen {

struct CsvField {
  std::string text;
  int line = 0;
  int column = 0;
  bool quoted = false;  // written in double quotes: kept exactly, spaces included
};

class CsvTable {
 public:
  // Parses `text`, read from `path`. Returns nothing when the table cannot be used at all (not
  // UTF-8, binary, no header); rows with the wrong number of fields are reported and skipped.
  [[nodiscard]] static std::optional<CsvTable> parse(const std::string& path, std::string_view text,
                                                     Diagnostics& diagnostics);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::vector<CsvField>& header() const { return header_; }
  [[nodiscard]] const std::vector<std::vector<CsvField>>& rows() const { return rows_; }
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;

  // Reports required columns that are missing and columns that are neither required nor
  // optional (with a "did you mean" hint). Returns false when a required column is missing.
  bool check_columns(const std::vector<std::string>& required,
                     const std::vector<std::string>& optional, Diagnostics& diagnostics) const;

 private:
  std::string path_;
  std::vector<CsvField> header_;
  std::vector<std::vector<CsvField>> rows_;
};

// True when `text` is valid UTF-8 without NUL or other C0 control bytes except tab, CR and LF.
// On failure, sets line and column of the first bad byte.
[[nodiscard]] bool is_clean_text(std::string_view text, int& line, int& column);

}  // namespace tumen
