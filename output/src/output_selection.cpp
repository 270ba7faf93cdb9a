#include "tumen/output/output_selection.hpp"

#include <algorithm>
#include <stdexcept>

#include "tumen/output/format.hpp"

namespace tumen::output {

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string valid_names() {
  std::string names;
  for (const std::string_view name : counter_dataset_names) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

}  // namespace

std::vector<std::string> all_outputs() {
  return {counter_dataset_names.begin(), counter_dataset_names.end()};
}

std::vector<std::string> parse_outputs(std::string_view list) {
  std::vector<bool> chosen(counter_dataset_names.size(), false);
  bool any = false;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view name = trim(list.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    const auto found = std::find(counter_dataset_names.begin(), counter_dataset_names.end(), name);
    if (found == counter_dataset_names.end()) {
      throw std::invalid_argument("unknown dataset '" + std::string(name) +
                                  "'; expected a comma-separated list of: " + valid_names());
    }
    chosen[static_cast<std::size_t>(found - counter_dataset_names.begin())] = true;
    any = true;
  }
  if (!any) {
    throw std::invalid_argument("no dataset named; expected a comma-separated list of: " +
                                valid_names());
  }
  std::vector<std::string> outputs;
  for (std::size_t index = 0; index < chosen.size(); ++index) {
    if (chosen[index]) outputs.emplace_back(counter_dataset_names[index]);
  }
  return outputs;
}

std::vector<std::string> normalise_outputs(const std::vector<std::string>& outputs) {
  std::vector<std::string> normalised;
  for (const std::string& name : outputs) {
    if (std::find(counter_dataset_names.begin(), counter_dataset_names.end(), name) ==
        counter_dataset_names.end()) {
      throw std::invalid_argument("unknown dataset '" + name +
                                  "'; expected a comma-separated list of: " + valid_names());
    }
  }
  for (const std::string_view name : counter_dataset_names) {
    if (std::find(outputs.begin(), outputs.end(), name) != outputs.end()) {
      normalised.emplace_back(name);
    }
  }
  return normalised;
}

std::string join_outputs(const std::vector<std::string>& outputs) {
  std::string joined;
  for (const std::string& name : outputs) {
    if (!joined.empty()) joined += ',';
    joined += name;
  }
  return joined;
}

bool is_summarised(std::string_view name) {
  return std::find(summarised_dataset_names.begin(), summarised_dataset_names.end(), name) !=
         summarised_dataset_names.end();
}

}  // namespace tumen::output
