#pragma once
// The current time for provenance records, as ISO 8601 in UTC ("2026-11-26T09:30:00Z"): the one
// format every file tumen writes uses for its creation, resume and finish times.
#include <string>

namespace tumen {

[[nodiscard]] std::string utc_now();

}  // namespace tumen
