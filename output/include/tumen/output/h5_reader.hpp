#pragma once
// Read access to a tumen output file, for `tumen inspect` and for tests. Opening checks that the
// file is a tumen file this version understands (format == "tumen", format_version <= 1); every
// failure is an OutputError whose message starts with the file's path.
//
// Objects are named by absolute HDF5 path ("/events", "/provenance/replicate_wall_seconds").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tumen::output {

// The most memory one read may fill (256 MiB): a coordinate, one replicate of a dataset, a
// /summary dataset. Sizes come from the file, which may be damaged or hostile, so a read that
// would need more is refused with an OutputError rather than trusted: tumen's own files need
// far less (a daily replicate of the Korea baseline is about 10 MB).
inline constexpr std::size_t max_read_bytes = std::size_t{256} << 20;

// A dense row-major integer array and its shape. Any integer dataset reads into it; HDF5
// converts the stored type (int32, uint8, ...) to int64.
struct Int64Array {
  std::vector<std::size_t> shape;
  std::vector<std::int64_t> values;

  // The value at a full index, one entry per axis.
  [[nodiscard]] std::int64_t at(std::initializer_list<std::size_t> index) const;
};

class H5Reader {
 public:
  // Opens read-only. Throws "PATH: no such file", "PATH: not an HDF5 file", "PATH: not a tumen
  // output file (...)", "PATH: format_version N is newer than this tumen understands (1)", or
  // HDF5's reason for a damaged file.
  //
  // With a group ("/point/0003" of a `tumen sweep` file), reads the file of its own laid out
  // below that group: every object path and the format checks are then relative to it. Throws
  // "PATH: no group GROUP" when there is none.
  explicit H5Reader(const std::filesystem::path& path, const std::string& group = "");
  ~H5Reader();
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;
  H5Reader(H5Reader&&) noexcept;
  H5Reader& operator=(H5Reader&&) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const;
  [[nodiscard]] std::int64_t format_version() const;

  [[nodiscard]] bool exists(std::string_view object_path) const;
  [[nodiscard]] bool has_attribute(std::string_view object_path, std::string_view name) const;

  // Attributes of `object_path`; the one-argument forms read a root attribute.
  [[nodiscard]] std::string string_attribute(std::string_view object_path,
                                             std::string_view name) const;
  [[nodiscard]] std::uint64_t uint64_attribute(std::string_view object_path,
                                               std::string_view name) const;
  [[nodiscard]] std::int64_t int64_attribute(std::string_view object_path,
                                             std::string_view name) const;
  [[nodiscard]] std::string string_attribute(std::string_view name) const {
    return string_attribute("/", name);
  }
  [[nodiscard]] std::uint64_t uint64_attribute(std::string_view name) const {
    return uint64_attribute("/", name);
  }
  [[nodiscard]] std::int64_t int64_attribute(std::string_view name) const {
    return int64_attribute("/", name);
  }

  [[nodiscard]] std::vector<std::size_t> shape(std::string_view dataset_path) const;

  // A 1-D string dataset, such as a coordinate ("/event") or /scenario/file_text.
  [[nodiscard]] std::vector<std::string> strings(std::string_view dataset_path) const;

  // A whole integer dataset.
  [[nodiscard]] Int64Array int64_dataset(std::string_view dataset_path) const;

  // The slab of one replicate (by index along the first axis) of a per-replicate dataset; the
  // shape leaves out the replicate axis. Memory stays bounded however many replicates a file has.
  [[nodiscard]] Int64Array int64_replicate(std::string_view dataset_path,
                                           std::size_t replicate_index) const;

  // Replicates [first, first + count) of a per-replicate dataset, by index along the first axis;
  // the shape keeps the replicate axis (of length `count`). Throws when the block does not lie
  // within the dataset.
  [[nodiscard]] Int64Array int64_replicates(std::string_view dataset_path, std::size_t first,
                                            std::size_t count) const;

  // A whole floating-point dataset (/provenance/replicate_wall_seconds).
  [[nodiscard]] std::vector<double> float64_dataset(std::string_view dataset_path) const;

  // Elements [first, first + count) of a 1-D floating-point dataset.
  [[nodiscard]] std::vector<double> float64_replicates(std::string_view dataset_path,
                                                       std::size_t first, std::size_t count) const;

  // The gzip (deflate) level a dataset is stored with; 0 when it has no deflate filter.
  [[nodiscard]] int gzip_level(std::string_view dataset_path) const;

  // /replicate_done: 1 for each replicate index that is completely written.
  [[nodiscard]] std::vector<std::uint8_t> replicate_done() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tumen::output
