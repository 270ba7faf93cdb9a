#include "tumen/diagnostics.hpp"

#include <algorithm>
#include <ostream>

namespace tumen {

std::string format(const Diagnostic& d) {
  std::string out = d.where.path;
  if (d.where.line > 0) {
    out += ':' + std::to_string(d.where.line);
    if (d.where.column > 0) out += ':' + std::to_string(d.where.column);
  }
  out += d.severity == Severity::error ? ": error: " : ": warning: ";
  out += d.message;
  return out;
}

void Diagnostics::error(SourcePosition where, std::string message) {
  items_.push_back({Severity::error, std::move(where), std::move(message)});
  ++error_count_;
}

void Diagnostics::warning(SourcePosition where, std::string message) {
  items_.push_back({Severity::warning, std::move(where), std::move(message)});
}

void Diagnostics::print(std::ostream& out) const {
  // A generated or corrupt file can hold a hundred thousand mistakes of one kind; the first
  // hundred say what is wrong without burying the terminal or a job's log.
  constexpr std::size_t kShown = 100;
  for (std::size_t i = 0; i < items_.size() && i < kShown; ++i) out << format(items_[i]) << '\n';
  if (items_.size() > kShown) {
    out << "tumen: " << items_.size() - kShown << " more messages not shown\n";
  }
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace tumen
