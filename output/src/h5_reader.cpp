#include "tumen/output/h5_reader.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "detail/file_access.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::output {

std::int64_t Int64Array::at(std::initializer_list<std::size_t> index) const {
  if (index.size() != shape.size()) {
    throw std::out_of_range("Int64Array::at: " + std::to_string(index.size()) +
                            " indices for an array of " + std::to_string(shape.size()) + " axes");
  }
  std::size_t offset = 0;
  std::size_t axis = 0;
  for (const std::size_t position : index) {
    if (position >= shape[axis]) {
      throw std::out_of_range("Int64Array::at: index " + std::to_string(position) +
                              " is beyond axis " + std::to_string(axis) + " of size " +
                              std::to_string(shape[axis]));
    }
    offset = offset * shape[axis] + position;
    ++axis;
  }
  return values[offset];
}

namespace {

using detail::ErrorContext;

// Frees what HDF5 allocated for variable-length strings, even when copying them out throws.
class VariableLengthBuffer {
 public:
  VariableLengthBuffer(hid_t memory_type, hid_t space, std::size_t count)
      : memory_type_(memory_type), space_(space), texts_(count, nullptr) {}
  ~VariableLengthBuffer() {
    if (filled_) (void)H5Dvlen_reclaim(memory_type_, space_, H5P_DEFAULT, texts_.data());
  }
  VariableLengthBuffer(const VariableLengthBuffer&) = delete;
  VariableLengthBuffer& operator=(const VariableLengthBuffer&) = delete;

  char** data() { return texts_.data(); }
  void mark_filled() { filled_ = true; }
  [[nodiscard]] std::string text(std::size_t index) const {
    return texts_[index] != nullptr ? std::string(texts_[index]) : std::string();
  }

 private:
  hid_t memory_type_;
  hid_t space_;
  std::vector<char*> texts_;
  bool filled_ = false;
};

// A fixed-length string as stored: NUL-terminated, NUL-padded or space-padded.
std::string trim_fixed_length(std::string_view stored, H5T_str_t padding) {
  stored = stored.substr(0, stored.find('\0'));
  if (padding == H5T_STR_SPACEPAD) {
    const std::size_t end = stored.find_last_not_of(' ');
    stored = end == std::string_view::npos ? std::string_view() : stored.substr(0, end + 1);
  }
  return std::string(stored);
}

std::size_t point_count(const ErrorContext& errors, hid_t space, const std::string& what) {
  return static_cast<std::size_t>(
      errors.check(H5Sget_simple_extent_npoints(space), "read the size of " + what));
}

// Refuses a read of `count` elements of `element_bytes` each that would take more than
// max_read_bytes, before anything is allocated for it.
void check_read_size(const ErrorContext& errors, std::size_t count, std::size_t element_bytes,
                     const std::string& what) {
  if (element_bytes != 0 && count > max_read_bytes / element_bytes) {
    errors.fail(what + " is too large to read: more than the " +
                std::to_string(max_read_bytes >> 20) + " MiB allowed in memory");
  }
}

// The number of elements in a block of `dims`, refused when it exceeds max_read_bytes (and so
// before the product can overflow).
std::size_t element_count(const ErrorContext& errors, const std::vector<hsize_t>& dims,
                          std::size_t element_bytes, const std::string& what) {
  for (const hsize_t size : dims) {
    if (size == 0) return 0;
  }
  std::size_t count = 1;
  for (const hsize_t size : dims) {
    check_read_size(errors, static_cast<std::size_t>(size), element_bytes, what);
    check_read_size(errors, count, static_cast<std::size_t>(size) * element_bytes, what);
    count *= static_cast<std::size_t>(size);
  }
  return count;
}

}  // namespace

struct H5Reader::Impl {
  explicit Impl(std::filesystem::path file_path)
      : path(std::move(file_path)), errors(path.string()) {}

  // Objects are named as in a file of their own ("/events"); with a group, below it.
  [[nodiscard]] hid_t loc() const { return group.is_open() ? group.id() : file.id(); }
  [[nodiscard]] static std::string relative(const std::string& object) {
    return detail::relative_path(object);
  }

  [[nodiscard]] detail::Attribute open_attribute(const std::string& object,
                                                 const std::string& name) const {
    const std::string what = "attribute '" + name + "' of " + object;
    if (!exists(object)) errors.fail("no object " + object + " for " + what);
    if (errors.check(H5Aexists_by_name(loc(), relative(object).c_str(), name.c_str(), H5P_DEFAULT),
                     "look up " + what) == 0) {
      errors.fail("no " + what);
    }
    return detail::Attribute(errors.check(
        H5Aopen_by_name(loc(), relative(object).c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "open " + what));
  }

  [[nodiscard]] detail::Dataset open_dataset(const std::string& path_in_file) const {
    if (!exists(path_in_file)) errors.fail("no dataset " + path_in_file);
    return detail::Dataset(
        errors.check(H5Dopen2(loc(), relative(path_in_file).c_str(), H5P_DEFAULT),
                     "open dataset " + path_in_file));
  }

  // A dataset whose type is of `expected` class ("a string dataset", ...), or an OutputError.
  [[nodiscard]] detail::Dataset open_dataset_of(const std::string& path_in_file,
                                                H5T_class_t expected, const char* kind) const {
    detail::Dataset dataset = open_dataset(path_in_file);
    const detail::Datatype type(errors.check(H5Dget_type(dataset.id()), "read " + path_in_file));
    if (type_class(type.id(), path_in_file) != expected) {
      errors.fail(path_in_file + " is not " + kind);
    }
    return dataset;
  }

  [[nodiscard]] bool exists(const std::string& object) const {
    const std::string name = relative(object);
    if (name == ".") return true;
    return errors.check(H5LTpath_valid(loc(), name.c_str(), true), "look up " + object) > 0;
  }

  [[nodiscard]] H5T_class_t type_class(hid_t type, const std::string& what) const {
    const H5T_class_t found = H5Tget_class(type);
    if (found == H5T_NO_CLASS) errors.fail_hdf5("read the type of " + what);
    return found;
  }

  // Reads one integer attribute as Wide (int64 or uint64), rejecting a value that does not fit.
  template <typename Wide>
  [[nodiscard]] Wide integer_attribute(const std::string& object, const std::string& name) const {
    const std::string what = "attribute '" + name + "' of " + object;
    const detail::Attribute attribute = open_attribute(object, name);
    const detail::Datatype type(errors.check(H5Aget_type(attribute.id()), "read " + what));
    if (type_class(type.id(), what) != H5T_INTEGER) errors.fail(what + " is not an integer");
    const detail::Dataspace space(errors.check(H5Aget_space(attribute.id()), "read " + what));
    if (point_count(errors, space.id(), what) != 1) errors.fail(what + " is not a single value");

    const H5T_sign_t sign = H5Tget_sign(type.id());
    if (sign == H5T_SGN_ERROR) errors.fail_hdf5("read the type of " + what);
    // Read in the stored signedness, then range-check: HDF5's own conversion would clip.
    if (sign == H5T_SGN_NONE) {
      std::uint64_t value = 0;
      errors.check(H5Aread(attribute.id(), H5T_NATIVE_UINT64, &value), "read " + what);
      if (value > static_cast<std::uint64_t>(std::numeric_limits<Wide>::max())) {
        errors.fail(what + " is too large: " + std::to_string(value));
      }
      return static_cast<Wide>(value);
    }
    std::int64_t value = 0;
    errors.check(H5Aread(attribute.id(), H5T_NATIVE_INT64, &value), "read " + what);
    if (value < 0 && std::numeric_limits<Wide>::min() == 0) {
      errors.fail(what + " is negative: " + std::to_string(value));
    }
    return static_cast<Wide>(value);
  }

  // Selects [first, first + count) along the first axis of `space`, whose extent is `dims`.
  void select_block(hid_t space, const std::vector<hsize_t>& dims, std::size_t first,
                    std::size_t count, const std::string& path_in_file) const {
    if (dims.empty() || first > dims[0] || count > dims[0] - first) {
      errors.fail((count == 1 ? "replicate index " + std::to_string(first) + " is"
                              : "replicate indices " + std::to_string(first) + " to " +
                                    std::to_string(first + count - 1) + " are") +
                  " beyond " + path_in_file + "'s first axis");
    }
    std::vector<hsize_t> start(dims.size(), 0);
    std::vector<hsize_t> size = dims;
    start[0] = first;
    size[0] = count;
    errors.check(
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, size.data(), nullptr),
        "select replicates of " + path_in_file);
  }

  // A whole integer dataset (block == nullptr), or a block of replicates of it: {first, count}.
  // With `drop_replicate_axis` the shape leaves the (length 1) replicate axis out.
  [[nodiscard]] Int64Array read_int64(const std::string& path_in_file,
                                      const std::pair<std::size_t, std::size_t>* block,
                                      bool drop_replicate_axis) const {
    const detail::Dataset dataset =
        open_dataset_of(path_in_file, H5T_INTEGER, "an integer dataset");
    const detail::Dataspace file_space(
        errors.check(H5Dget_space(dataset.id()), "read the shape of " + path_in_file));
    const int rank = errors.check(H5Sget_simple_extent_ndims(file_space.id()),
                                  "read the shape of " + path_in_file);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    errors.check(H5Sget_simple_extent_dims(file_space.id(), dims.data(), nullptr),
                 "read the shape of " + path_in_file);

    Int64Array array;
    if (block != nullptr) {
      select_block(file_space.id(), dims, block->first, block->second, path_in_file);
      dims[0] = block->second;
    }
    // The memory space has the selection's shape (with the replicate axis of the block's
    // length), so that HDF5 copies whole rows rather than element by element.
    const std::vector<hsize_t> memory_dims = dims;
    if (drop_replicate_axis) dims.erase(dims.begin());
    const std::size_t count = element_count(errors, dims, sizeof(std::int64_t), path_in_file);
    for (const hsize_t size : dims) array.shape.push_back(static_cast<std::size_t>(size));
    array.values.resize(count);
    if (count == 0) return array;

    const detail::Dataspace memory_space(errors.check(
        H5Screate_simple(static_cast<int>(memory_dims.size()), memory_dims.data(), nullptr),
        "create a dataspace for " + path_in_file));
    errors.check(H5Dread(dataset.id(), H5T_NATIVE_INT64, memory_space.id(), file_space.id(),
                         H5P_DEFAULT, array.values.data()),
                 "read " + path_in_file);
    return array;
  }

  std::filesystem::path path;
  ErrorContext errors;
  detail::File file;
  detail::Group group;  // the group a file of its own is read from (H5Reader(path, group))
  std::int64_t format_version = 0;
};

H5Reader::H5Reader(const std::filesystem::path& path, const std::string& group)
    : impl_(std::make_unique<Impl>(path)) {
  detail::silence_hdf5_error_printing();
  Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;

  std::error_code failure;
  const std::filesystem::file_status status = std::filesystem::status(path, failure);
  if (!std::filesystem::exists(status)) errors.fail("no such file");
  if (std::filesystem::is_directory(status)) errors.fail("is a directory, not a file");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) errors.fail("not an HDF5 file");
  errors.check(is_hdf5, "read the file");

  // As the writer: honour locks, but read on file systems that have none; a fixed metadata cache,
  // so that reading a file replicate by replicate (tumen merge, inspect) stays bounded too.
  const detail::PropertyList access = detail::file_access(errors);
  reader.file = detail::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.id()));
  if (!reader.file.is_open()) {
    const std::string reason = detail::take_innermost_hdf5_message();
    // A running `tumen run` holds the lock of its .partial file; say so rather than leave the
    // user with an errno.
    const bool locked = reason.find("unable to lock file") != std::string::npos;
    errors.fail("cannot open the file: " + reason +
                (locked ? " (another process, such as a running tumen, is writing it)" : ""));
  }

  if (!group.empty()) {
    const std::string name = detail::relative_path(group);
    if (name == "." || errors.check(H5LTpath_valid(reader.file.id(), name.c_str(), true),
                                    "look up " + group) <= 0) {
      errors.fail("no group " + group);
    }
    reader.group = detail::Group(
        errors.check(H5Gopen2(reader.file.id(), name.c_str(), H5P_DEFAULT), "open " + group));
  }

  const char* const foreign = "not a tumen output file";
  if (!has_attribute("/", "format")) {
    errors.fail(std::string(foreign) + " (it has no root attribute \"format\")");
  }
  std::string format;
  try {
    format = string_attribute("format");
  } catch (const OutputError&) {
    errors.fail(std::string(foreign) + " (its root attribute \"format\" is not a string)");
  }
  if (format != format_name) {
    errors.fail(std::string(foreign) + " (its format is \"" + format + "\", not \"" +
                std::string(format_name) + "\")");
  }
  if (!has_attribute("/", "format_version")) {
    errors.fail(std::string(foreign) + " (it has no root attribute \"format_version\")");
  }
  reader.format_version = int64_attribute("format_version");
  if (reader.format_version > output::format_version) {
    errors.fail("format_version " + std::to_string(reader.format_version) +
                " is newer than this tumen understands (" + std::to_string(output::format_version) +
                ")");
  }
  if (reader.format_version < 1) {
    errors.fail(std::string(foreign) + " (format_version " + std::to_string(reader.format_version) +
                ")");
  }
}

H5Reader::~H5Reader() {
  if (impl_) detail::silence_hdf5_error_printing();
}
H5Reader::H5Reader(H5Reader&&) noexcept = default;
H5Reader& H5Reader::operator=(H5Reader&&) noexcept = default;

const std::filesystem::path& H5Reader::path() const {
  return impl_->path;
}
std::int64_t H5Reader::format_version() const {
  return impl_->format_version;
}

bool H5Reader::exists(std::string_view object_path) const {
  detail::silence_hdf5_error_printing();
  return impl_->exists(std::string(object_path));
}

bool H5Reader::has_attribute(std::string_view object_path, std::string_view name) const {
  detail::silence_hdf5_error_printing();
  const std::string object(object_path);
  if (!impl_->exists(object)) return false;
  const std::string attribute(name);
  return impl_->errors.check(H5Aexists_by_name(impl_->loc(), detail::relative_path(object).c_str(),
                                               attribute.c_str(), H5P_DEFAULT),
                             "look up attribute '" + attribute + "' of " + object) > 0;
}

std::string H5Reader::string_attribute(std::string_view object_path, std::string_view name) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;
  const std::string object(object_path);
  const std::string what = "attribute '" + std::string(name) + "' of " + object;
  const detail::Attribute attribute = reader.open_attribute(object, std::string(name));
  const detail::Datatype type(errors.check(H5Aget_type(attribute.id()), "read " + what));
  if (reader.type_class(type.id(), what) != H5T_STRING) errors.fail(what + " is not a string");
  const detail::Dataspace space(errors.check(H5Aget_space(attribute.id()), "read " + what));
  if (point_count(errors, space.id(), what) != 1) errors.fail(what + " is not a single string");
  // Memory type = stored type: same character set and padding, so HDF5 converts nothing.
  const detail::Datatype memory_type(
      errors.check(H5Tget_native_type(type.id(), H5T_DIR_DEFAULT), "read " + what));

  if (errors.check(H5Tis_variable_str(type.id()), "read " + what) > 0) {
    VariableLengthBuffer buffer(memory_type.id(), space.id(), 1);
    errors.check(H5Aread(attribute.id(), memory_type.id(), buffer.data()), "read " + what);
    buffer.mark_filled();
    return buffer.text(0);
  }
  const std::size_t size = H5Tget_size(type.id());
  if (size == 0) errors.fail_hdf5("read the string size of " + what);
  check_read_size(errors, 1, size, what);
  std::string stored(size, '\0');
  errors.check(H5Aread(attribute.id(), memory_type.id(), stored.data()), "read " + what);
  return trim_fixed_length(stored, H5Tget_strpad(type.id()));
}

std::uint64_t H5Reader::uint64_attribute(std::string_view object_path,
                                         std::string_view name) const {
  detail::silence_hdf5_error_printing();
  return impl_->integer_attribute<std::uint64_t>(std::string(object_path), std::string(name));
}

std::int64_t H5Reader::int64_attribute(std::string_view object_path, std::string_view name) const {
  detail::silence_hdf5_error_printing();
  return impl_->integer_attribute<std::int64_t>(std::string(object_path), std::string(name));
}

std::vector<std::size_t> H5Reader::shape(std::string_view dataset_path) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const std::string path_in_file(dataset_path);
  const detail::Dataset dataset = reader.open_dataset(path_in_file);
  const detail::Dataspace space(
      reader.errors.check(H5Dget_space(dataset.id()), "read the shape of " + path_in_file));
  const int rank = reader.errors.check(H5Sget_simple_extent_ndims(space.id()),
                                       "read the shape of " + path_in_file);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  reader.errors.check(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr),
                      "read the shape of " + path_in_file);
  return {dims.begin(), dims.end()};
}

std::vector<std::string> H5Reader::strings(std::string_view dataset_path) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;
  const std::string path_in_file(dataset_path);
  const detail::Dataset dataset =
      reader.open_dataset_of(path_in_file, H5T_STRING, "a string dataset");
  const detail::Datatype type(errors.check(H5Dget_type(dataset.id()), "read " + path_in_file));
  const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path_in_file));
  const std::size_t count = point_count(errors, space.id(), path_in_file);
  std::vector<std::string> values;
  if (count == 0) return values;
  check_read_size(errors, count, sizeof(char*), path_in_file);
  const detail::Datatype memory_type(
      errors.check(H5Tget_native_type(type.id(), H5T_DIR_DEFAULT), "read " + path_in_file));

  if (errors.check(H5Tis_variable_str(type.id()), "read " + path_in_file) > 0) {
    VariableLengthBuffer buffer(memory_type.id(), space.id(), count);
    errors.check(
        H5Dread(dataset.id(), memory_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
        "read " + path_in_file);
    buffer.mark_filled();
    values.reserve(count);
    for (std::size_t index = 0; index < count; ++index) values.push_back(buffer.text(index));
    return values;
  }
  const std::size_t size = H5Tget_size(type.id());
  if (size == 0) errors.fail_hdf5("read the string size of " + path_in_file);
  check_read_size(errors, count, size, path_in_file);
  std::string stored(size * count, '\0');
  errors.check(
      H5Dread(dataset.id(), memory_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, stored.data()),
      "read " + path_in_file);
  const H5T_str_t padding = H5Tget_strpad(type.id());
  values.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    values.push_back(
        trim_fixed_length(std::string_view(stored).substr(index * size, size), padding));
  }
  return values;
}

Int64Array H5Reader::int64_dataset(std::string_view dataset_path) const {
  detail::silence_hdf5_error_printing();
  return impl_->read_int64(std::string(dataset_path), nullptr, false);
}

Int64Array H5Reader::int64_replicate(std::string_view dataset_path,
                                     std::size_t replicate_index) const {
  detail::silence_hdf5_error_printing();
  const std::pair<std::size_t, std::size_t> block{replicate_index, 1};
  return impl_->read_int64(std::string(dataset_path), &block, true);
}

Int64Array H5Reader::int64_replicates(std::string_view dataset_path, std::size_t first,
                                      std::size_t count) const {
  detail::silence_hdf5_error_printing();
  const std::pair<std::size_t, std::size_t> block{first, count};
  return impl_->read_int64(std::string(dataset_path), &block, false);
}

std::vector<double> H5Reader::float64_dataset(std::string_view dataset_path) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;
  const std::string path_in_file(dataset_path);
  const detail::Dataset dataset =
      reader.open_dataset_of(path_in_file, H5T_FLOAT, "a floating-point dataset");
  const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path_in_file));
  const std::size_t count = point_count(errors, space.id(), path_in_file);
  check_read_size(errors, count, sizeof(double), path_in_file);
  std::vector<double> values(count);
  if (values.empty()) return values;
  errors.check(
      H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
      "read " + path_in_file);
  return values;
}

std::vector<double> H5Reader::float64_replicates(std::string_view dataset_path, std::size_t first,
                                                 std::size_t count) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;
  const std::string path_in_file(dataset_path);
  const detail::Dataset dataset =
      reader.open_dataset_of(path_in_file, H5T_FLOAT, "a floating-point dataset");
  const detail::Dataspace file_space(
      errors.check(H5Dget_space(dataset.id()), "read " + path_in_file));
  const int rank = errors.check(H5Sget_simple_extent_ndims(file_space.id()),
                                "read the shape of " + path_in_file);
  if (rank != 1) errors.fail(path_in_file + " is not a 1-D dataset");
  std::vector<hsize_t> dims(1);
  errors.check(H5Sget_simple_extent_dims(file_space.id(), dims.data(), nullptr),
               "read the shape of " + path_in_file);
  reader.select_block(file_space.id(), dims, first, count, path_in_file);
  std::vector<double> values(count);
  if (count == 0) return values;
  const std::vector<hsize_t> memory_dims{count};
  const detail::Dataspace memory_space(errors.check(
      H5Screate_simple(1, memory_dims.data(), nullptr), "create a dataspace for " + path_in_file));
  errors.check(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, memory_space.id(), file_space.id(),
                       H5P_DEFAULT, values.data()),
               "read " + path_in_file);
  return values;
}

int H5Reader::gzip_level(std::string_view dataset_path) const {
  detail::silence_hdf5_error_printing();
  const Impl& reader = *impl_;
  const ErrorContext& errors = reader.errors;
  const std::string path_in_file(dataset_path);
  const detail::Dataset dataset = reader.open_dataset(path_in_file);
  const detail::PropertyList properties(errors.check(
      H5Dget_create_plist(dataset.id()), "read the storage properties of " + path_in_file));
  unsigned flags = 0;
  std::size_t value_count = 1;
  unsigned level = 0;
  // H5Pget_filter_by_id2 fails when the filter is absent: that is level 0, not an error.
  if (H5Pget_filter_by_id2(properties.id(), H5Z_FILTER_DEFLATE, &flags, &value_count, &level, 0,
                           nullptr, nullptr) < 0) {
    (void)detail::take_innermost_hdf5_message();
    return 0;
  }
  return value_count >= 1 ? static_cast<int>(level) : 0;
}

std::vector<std::uint8_t> H5Reader::replicate_done() const {
  const Int64Array flags = int64_dataset("/replicate_done");
  std::vector<std::uint8_t> done;
  done.reserve(flags.values.size());
  for (const std::int64_t flag : flags.values) done.push_back(flag == 1 ? 1 : 0);
  return done;
}

}  // namespace tumen::output
