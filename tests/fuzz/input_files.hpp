#pragma once
// Fuzz inputs that stand for files: written into a folder so that the code under test reads them
// as it reads a user's files, through the file system. Shared by the fuzz targets and by the
// Catch2 test that replays their regressions (tests/integration/test_fuzz_regressions.cpp).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tumen::fuzz {

struct InputFile {
  std::string name;
  std::string_view bytes;
};

// Splits an input that describes several files: the bytes up to the first line
// "%%file NAME" are the file `first_name`, and each such line starts the file NAME. Returns
// nothing for a NAME that is not a plain file name ([A-Za-z0-9_.-], 1 to 64 characters, not
// "." or ".."), or for more than 8 files: the fuzzer learns to avoid them.
inline std::optional<std::vector<InputFile>> split_input_files(std::string_view input,
                                                               const std::string& first_name) {
  constexpr std::string_view kMarker = "%%file ";
  constexpr std::size_t kMaxFiles = 8;
  std::vector<InputFile> files;
  std::string name = first_name;
  std::size_t start = 0;
  std::size_t line = 0;
  auto plain_name = [](std::string_view candidate) {
    if (candidate.empty() || candidate.size() > 64 || candidate == "." || candidate == "..")
      return false;
    for (const char c : candidate) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
      if (!ok) return false;
    }
    return true;
  };
  while (line <= input.size()) {
    const std::size_t end = std::min(input.find('\n', line), input.size());
    const std::string_view text = input.substr(line, end - line);
    if (text.starts_with(kMarker)) {
      const std::string_view next = text.substr(kMarker.size());
      if (!plain_name(next) || files.size() + 1 >= kMaxFiles) return std::nullopt;
      files.push_back({name, input.substr(start, line - start)});
      name = std::string(next);
      start = std::min(end + 1, input.size());
    }
    line = end + 1;
  }
  files.push_back({name, input.substr(start)});
  return files;
}

// True when `text` could name a file outside the folder the inputs are written to: it holds a
// '/' (an absolute path, or a way up with "../"), or a TOML escape that decodes to one
// ("\u002F"). Such inputs are skipped, so that the fuzzer never reads /dev/zero or the tree.
inline bool may_leave_folder(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return true;
  for (std::size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i + 1)) {
    if (i + 1 >= text.size()) break;
    const char kind = text[i + 1];
    const std::size_t digits = kind == 'u' ? 4 : kind == 'U' ? 8 : kind == 'x' ? 2 : 0;
    if (digits == 0 || i + 2 + digits > text.size()) continue;
    unsigned long code = 0;
    bool hex = true;
    for (std::size_t k = 0; k < digits && hex; ++k) {
      const char c = text[i + 2 + k];
      const int value = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      hex = value >= 0;
      code = code * 16 + static_cast<unsigned long>(value < 0 ? 0 : value);
    }
    if (hex && code == '/') return true;
  }
  return false;
}

// Empties `folder` and writes `files` into it.
inline void write_input_files(const std::filesystem::path& folder,
                              const std::vector<InputFile>& files) {
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  for (const InputFile& file : files) {
    std::ofstream(folder / file.name, std::ios::binary)
        .write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
  }
}

// This process's own folder for a fuzz target's files, in $TMPDIR (or /tmp), removed at exit.
inline const std::filesystem::path& process_scratch_folder(const std::string& target) {
  static const std::filesystem::path folder = [&] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path path = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                                 ("tumen-fuzz-" + target + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(process_scratch_folder(""), ignored);
    });
    return path;
  }();
  return folder;
}

}  // namespace tumen::fuzz
