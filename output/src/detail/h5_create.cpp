#include "detail/h5_create.hpp"

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

Group create_group(const ErrorContext& errors, hid_t file, const std::string& path) {
  const PropertyList creation = object_creation_properties(errors, H5P_GROUP_CREATE);
  return Group(errors.check(H5Gcreate2(file, path.c_str(), H5P_DEFAULT, creation.id(), H5P_DEFAULT),
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
  Dataset dataset(errors.check(H5Dcreate2(file, path.c_str(), type.id(), space.id(), H5P_DEFAULT,
                                          creation.id(), H5P_DEFAULT),
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

}  // namespace tumen::output::detail
