#include "detail/h5_create.hpp"

#include <hdf5_hl.h>

namespace tumen::output::detail {

Datatype utf8_string_type(const ErrorContext& errors) {
  Datatype type(errors.check(H5Tcopy(H5T_C_S1), "copy the string type"));
  errors.check(H5Tset_size(type.id(), H5T_VARIABLE), "make the string type variable-length");
  errors.check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "make the string type UTF-8");
  return type;
}

Dataspace scalar_space(const ErrorContext& errors) {
  return Dataspace(errors.check(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
}

Dataspace simple_space(const ErrorContext& errors, const std::vector<hsize_t>& dims) {
  return Dataspace(errors.check(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "create a dataspace"));
}

PropertyList object_creation_properties(const ErrorContext& errors, hid_t property_class) {
  PropertyList properties(errors.check(H5Pcreate(property_class), "create a property list"));
  errors.check(H5Pset_obj_track_times(properties.id(), false), "turn off modification times");
  return properties;
}

std::string relative_path(const std::string& path) {
  const std::size_t first = path.find_first_not_of('/');
  return first == std::string::npos ? std::string(".") : path.substr(first);
}

Group create_group(const ErrorContext& errors, hid_t file, const std::string& path) {
  const PropertyList creation = object_creation_properties(errors, H5P_GROUP_CREATE);
  return Group(errors.check(
      H5Gcreate2(file, relative_path(path).c_str(), H5P_DEFAULT, creation.id(), H5P_DEFAULT),
      "create group " + path));
}

void write_string_attribute(const ErrorContext& errors, hid_t object,
                            const std::string& object_path, const std::string& name,
                            const std::string& value) {
  const std::string what = "attribute '" + name + "' of " + object_path;
  const Datatype type = utf8_string_type(errors);
  const Dataspace space = scalar_space(errors);
  const Attribute attribute(errors.check(
      H5Acreate2(object, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
      "create " + what));
  const char* text = value.c_str();
  errors.check(H5Awrite(attribute.id(), type.id(), &text), "write " + what);
}

Dataset write_string_dataset(const ErrorContext& errors, hid_t file, const std::string& path,
                             const std::vector<std::string>& values) {
  const Datatype type = utf8_string_type(errors);
  const Dataspace space = simple_space(errors, {values.size()});
  const PropertyList creation = object_creation_properties(errors, H5P_DATASET_CREATE);
  Dataset dataset(errors.check(H5Dcreate2(file, relative_path(path).c_str(), type.id(), space.id(),
                                          H5P_DEFAULT, creation.id(), H5P_DEFAULT),
                               "create dataset " + path));
  if (!values.empty()) {
    std::vector<const char*> texts;
    texts.reserve(values.size());
    for (const std::string& value : values) texts.push_back(value.c_str());
    errors.check(H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()),
                 "write dataset " + path);
  }
  return dataset;
}

std::string read_string_attribute(const ErrorContext& errors, hid_t object,
                                  const std::string& object_path, const std::string& name) {
  const std::string what = "attribute '" + name + "' of " + object_path;
  const Attribute attribute(
      errors.check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open " + what));
  const Datatype type(errors.check(H5Aget_type(attribute.id()), "read " + what));
  if (H5Tget_class(type.id()) != H5T_STRING || H5Tis_variable_str(type.id()) <= 0) return "";
  const Datatype memory_type = utf8_string_type(errors);
  char* text = nullptr;
  errors.check(H5Aread(attribute.id(), memory_type.id(), &text), "read " + what);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

std::vector<std::string> attribute_names(const ErrorContext& errors, hid_t object,
                                         const std::string& object_path) {
  std::vector<std::string> names;
  errors.check(H5Aiterate2(
                   object, H5_INDEX_NAME, H5_ITER_INC, nullptr,
                   [](hid_t, const char* name, const H5A_info_t*, void* found) -> herr_t {
                     static_cast<std::vector<std::string>*>(found)->emplace_back(name);
                     return 0;
                   },
                   &names),
               "list the attributes of " + object_path);
  return names;
}

void set_scale(const ErrorContext& errors, const Dataset& coordinate, const std::string& path,
               const std::string& dimension) {
  errors.check(H5DSset_scale(coordinate.id(), dimension.c_str()),
               "make " + path + " the dimension scale of " + dimension);
}

void attach_scale(const ErrorContext& errors, const Dataset& dataset, const std::string& path,
                  const Dataset& scale, const std::string& dimension, unsigned axis) {
  errors.check(
      H5DSattach_scale(dataset.id(), scale.id(), axis),
      "attach dimension " + dimension + " to axis " + std::to_string(axis) + " of " + path);
}

void describe(const ErrorContext& errors, hid_t object, const std::string& path,
              const std::string& long_name, const std::string& units) {
  write_string_attribute(errors, object, path, "long_name", long_name);
  if (!units.empty()) write_string_attribute(errors, object, path, "units", units);
}

Dataset write_float64_array(const ErrorContext& errors, hid_t file, const std::string& path,
                            const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  const Dataspace space = simple_space(errors, dims);
  const PropertyList creation = object_creation_properties(errors, H5P_DATASET_CREATE);
  Dataset dataset(errors.check(H5Dcreate2(file, relative_path(path).c_str(), H5T_IEEE_F64LE,
                                          space.id(), H5P_DEFAULT, creation.id(), H5P_DEFAULT),
                               "create dataset " + path));
  if (!values.empty()) {
    errors.check(
        H5Dwrite(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "write dataset " + path);
  }
  return dataset;
}

}  // namespace tumen::output::detail
