#pragma once
// A fresh folder under the build tree for one test, with helpers to write files into it.
#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace tumen::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(TUMEN_BINARY_DIR) / "tests-tmp" /
            (name + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(TUMEN_SOURCE_DIR) / relative;
}

}  // namespace tumen::testing
