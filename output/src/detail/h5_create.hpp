#pragma once
// Creating the objects of an output file: groups, attributes and the small write-once datasets
// (coordinates, /scenario). Objects are named by absolute path, which is also the name that
// error messages use. The large per-replicate datasets are made by the writer itself, since their
// storage (chunks, filters) is part of the format's crash-safety rules.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"

namespace tumen::output::detail {

// File types are explicit little-endian so that a file reads the same on every machine; memory
// types are the native ones and HDF5 converts between them.
template <typename Number>
struct NumberType;

template <>
struct NumberType<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t memory() { return H5T_NATIVE_INT32; }
};
template <>
struct NumberType<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct NumberType<std::uint64_t> {
  static hid_t file() { return H5T_STD_U64LE; }
  static hid_t memory() { return H5T_NATIVE_UINT64; }
};
template <>
struct NumberType<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};
template <>
struct NumberType<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};

// Variable-length, NUL-terminated UTF-8: the one string type of the format (DESIGN.md, Storage
// rules), for attributes and datasets alike.
Datatype utf8_string_type(const ErrorContext& errors);

Dataspace scalar_space(const ErrorContext& errors);
Dataspace simple_space(const ErrorContext& errors, const std::vector<hsize_t>& dims);

// Creation properties shared by every group and dataset: no modification times, so that two runs
// with the same inputs differ only where /provenance says they do.
PropertyList object_creation_properties(const ErrorContext& errors, hid_t property_class);

// The name HDF5 is given for `path` ("/events") under a location: relative to it ("events", or
// "." for "/"), so that the same layout can be written at the root of a file or inside a group
// (a sweep point, /point/0003), while messages keep naming the object as a file of its own would.
std::string relative_path(const std::string& path);

Group create_group(const ErrorContext& errors, hid_t file, const std::string& path);

void write_string_attribute(const ErrorContext& errors, hid_t object,
                            const std::string& object_path, const std::string& name,
                            const std::string& value);

template <typename Number>
void write_number_attribute(const ErrorContext& errors, hid_t object,
                            const std::string& object_path, const std::string& name, Number value) {
  const std::string what = "attribute '" + name + "' of " + object_path;
  const Dataspace space = scalar_space(errors);
  const Attribute attribute(
      errors.check(H5Acreate2(object, name.c_str(), NumberType<Number>::file(), space.id(),
                              H5P_DEFAULT, H5P_DEFAULT),
                   "create " + what));
  errors.check(H5Awrite(attribute.id(), NumberType<Number>::memory(), &value), "write " + what);
}

// A scalar string attribute as the writer stores it (variable-length UTF-8); "" for any other
// kind of attribute.
std::string read_string_attribute(const ErrorContext& errors, hid_t object,
                                  const std::string& object_path, const std::string& name);

// The names of the attributes of `object`, in alphabetical order.
std::vector<std::string> attribute_names(const ErrorContext& errors, hid_t object,
                                         const std::string& object_path);

// Makes `coordinate` a dimension scale named `dimension`.
void set_scale(const ErrorContext& errors, const Dataset& coordinate, const std::string& path,
               const std::string& dimension);

// Labels axis `axis` of `dataset` with `scale`.
void attach_scale(const ErrorContext& errors, const Dataset& dataset, const std::string& path,
                  const Dataset& scale, const std::string& dimension, unsigned axis);

// The CF attributes every dataset carries: long_name, and units unless empty.
void describe(const ErrorContext& errors, hid_t object, const std::string& path,
              const std::string& long_name, const std::string& units = "");

// An N-D, contiguous, unfiltered float64 dataset holding `values` (row-major, `dims` long).
Dataset write_float64_array(const ErrorContext& errors, hid_t file, const std::string& path,
                            const std::vector<hsize_t>& dims, const std::vector<double>& values);

// A 1-D, contiguous, unfiltered string dataset holding `values`.
Dataset write_string_dataset(const ErrorContext& errors, hid_t file, const std::string& path,
                             const std::vector<std::string>& values);

// A 1-D, contiguous, unfiltered number dataset holding `values`.
template <typename Number>
Dataset write_number_dataset(const ErrorContext& errors, hid_t file, const std::string& path,
                             const std::vector<Number>& values) {
  const Dataspace space = simple_space(errors, {values.size()});
  const PropertyList creation = object_creation_properties(errors, H5P_DATASET_CREATE);
  Dataset dataset(
      errors.check(H5Dcreate2(file, relative_path(path).c_str(), NumberType<Number>::file(),
                              space.id(), H5P_DEFAULT, creation.id(), H5P_DEFAULT),
                   "create dataset " + path));
  if (!values.empty()) {
    errors.check(H5Dwrite(dataset.id(), NumberType<Number>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          values.data()),
                 "write dataset " + path);
  }
  return dataset;
}

}  // namespace tumen::output::detail
