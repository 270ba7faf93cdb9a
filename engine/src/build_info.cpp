#include "tumen/build_info.hpp"

namespace tumen {

const char* tumen_version() {
  return TUMEN_VERSION;
}

const char* tumen_git_commit() {
  return TUMEN_GIT_COMMIT;
}

}  // namespace tumen
