#include "tumen/text_file.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace tumen {

namespace fs = std::filesystem;

namespace {

std::string mebibytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace

std::optional<std::string> read_text_file(const fs::path& path, std::uintmax_t max_bytes,
                                          std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "is a directory, not a file";
    return std::nullopt;
  }
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    why = "is not a regular file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = fs::exists(path, ec) ? "cannot be read (permission denied?)" : "no such file";
    return std::nullopt;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    why = "is " + mebibytes(size) + ", more than the " + mebibytes(max_bytes) +
          " allowed (docs/reliability.md, limits)";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = std::move(buffer).str();
  if (text.size() > max_bytes) {  // it grew while being read
    why = "grew past the " + mebibytes(max_bytes) + " allowed while it was read";
    return std::nullopt;
  }
  return text;
}

}  // namespace tumen
