#pragma once
// The coordinates of a file: 1-D datasets that are HDF5 dimension scales, so that netCDF readers
// (xarray with h5netcdf) label every axis. The root has one for each dimension; /summary has its
// own copies of the ones it uses (docs/output-format.md).
#include <hdf5.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output::detail {

using Scales = std::map<std::string, Dataset, std::less<>>;

// Writes the coordinates of `dimensions` ("replicate", "time", "location", ...) into `group`
// ("" for the root, or e.g. "/summary"), each a dimension scale named after its dimension, and
// returns them by dimension. With "location" come location_kind and location_country, labelled
// by it.
Scales write_coordinates(const ErrorContext& errors, hid_t file, const std::string& group,
                         const RunDescription& run, const std::vector<std::string>& dimensions);

}  // namespace tumen::output::detail
