#include "provenance_fields.hpp"

#include <unistd.h>

namespace tumen::cli {

std::string host_name() {
  char buffer[256] = {};
  return gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "unknown";
}

}  // namespace tumen::cli
