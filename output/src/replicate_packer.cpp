#include "tumen/output/replicate_packer.hpp"

#include "detail/replicate_packet.hpp"

namespace tumen::output {

struct ReplicatePacker::Plan {
  detail::PacketPlan plan;
};

ReplicatePacker::ReplicatePacker(std::span<const unsigned char> plan)
    : plan_(std::make_unique<const Plan>(Plan{detail::parse_plan(plan)})) {}

ReplicatePacker::~ReplicatePacker() = default;
ReplicatePacker::ReplicatePacker(ReplicatePacker&&) noexcept = default;
ReplicatePacker& ReplicatePacker::operator=(ReplicatePacker&&) noexcept = default;

std::vector<unsigned char> ReplicatePacker::pack(const ReplicateResult& result) const {
  return detail::pack_replicate(plan_->plan, result);
}

}  // namespace tumen::output
