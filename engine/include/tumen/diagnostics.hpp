#pragma once
// Problems found in user input, each with a position, printed as PATH:LINE:COL: error: MESSAGE.
// Loading collects every problem it can find instead of stopping at the first.
#include <iosfwd>
#include <string>
#include <vector>

namespace tumen {

struct SourcePosition {
  std::string path;  // "<command line>" for --set values
  int line = 0;      // 1-based; 0 when the problem concerns the whole file
  int column = 0;    // 1-based; 0 when unknown
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourcePosition where;
  std::string message;
};

[[nodiscard]] std::string format(const Diagnostic& diagnostic);

class Diagnostics {
 public:
  void error(SourcePosition where, std::string message);
  void warning(SourcePosition where, std::string message);

  [[nodiscard]] bool has_errors() const { return error_count_ > 0; }
  [[nodiscard]] std::size_t error_count() const { return error_count_; }
  [[nodiscard]] const std::vector<Diagnostic>& all() const { return items_; }
  void print(std::ostream& out) const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t error_count_ = 0;
};

// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
[[nodiscard]] std::string closest_match(const std::string& word,
                                        const std::vector<std::string>& candidates);

}  // namespace tumen
