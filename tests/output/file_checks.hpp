#pragma once
// Checks on whole output files shared by the output and end-to-end tests: comparing two files as
// users do (h5diff), and damaging a chunk as a kill during a write would.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/command.hpp"

namespace tumen::testing {

// `h5diff --exclude-path /provenance A B`: the comparison the format promises to pass for two
// runs of the same inputs. Returns h5diff's exit code (0: identical) and puts what it printed in
// `report`.
inline int h5diff_without_provenance(const std::filesystem::path& a, const std::filesystem::path& b,
                                     std::string* report = nullptr) {
  const CommandResult result =
      run_command("h5diff --exclude-path /provenance '" + a.string() + "' '" + b.string() + "'",
                  a.parent_path());
  if (report != nullptr) *report = result.out + result.err;
  return result.exit_code;
}

// Overwrites the middle of the stored chunk that holds replicate index `replicate_index` of a
// per-replicate dataset with other bytes, as a write torn by a kill would leave it, so that its
// Fletcher-32 checksum fails. Returns false if the chunk cannot be found.
inline bool damage_chunk(const std::filesystem::path& path, const std::string& dataset_path,
                         std::uint64_t replicate_index) {
  haddr_t address = HADDR_UNDEF;
  hsize_t size = 0;
  {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return false;
    const hid_t dataset = H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT);
    const hid_t space = H5Dget_space(dataset);
    std::vector<hsize_t> offset(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
    offset[0] = replicate_index;
    unsigned filter_mask = 0;
    const herr_t found =
        H5Dget_chunk_info_by_coord(dataset, offset.data(), &filter_mask, &address, &size);
    H5Sclose(space);
    H5Dclose(dataset);
    H5Fclose(file);
    if (found < 0 || address == HADDR_UNDEF || size < 8) return false;
  }
  // Every bit of four bytes flipped: whatever they held, they now differ.
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(address + size / 2 - 2);
  char bytes[4] = {};
  file.seekg(middle);
  file.read(bytes, sizeof bytes);
  for (char& byte : bytes) byte = static_cast<char>(~byte);
  file.seekp(middle);
  file.write(bytes, sizeof bytes);
  return static_cast<bool>(file);
}

}  // namespace tumen::testing
