#include "detail/file_access.hpp"

#include <cstddef>

namespace tumen::output::detail {

namespace {

constexpr std::size_t kMetadataCacheBytes = std::size_t{256} << 10;

}  // namespace

PropertyList file_access(const ErrorContext& errors) {
  PropertyList access(errors.check(H5Pcreate(H5P_FILE_ACCESS), "create file access"));
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  errors.check(H5Pget_mdc_config(access.id(), &cache), "read the metadata cache settings");
  cache.set_initial_size = true;
  cache.initial_size = kMetadataCacheBytes;
  cache.min_size = kMetadataCacheBytes;
  cache.max_size = kMetadataCacheBytes;
  cache.incr_mode = H5C_incr__off;
  cache.flash_incr_mode = H5C_flash_incr__off;
  cache.decr_mode = H5C_decr__off;
  errors.check(H5Pset_mdc_config(access.id(), &cache), "set the metadata cache size");
  errors.check(H5Pset_file_locking(access.id(), true, true), "set file locking");
  return access;
}

}  // namespace tumen::output::detail
