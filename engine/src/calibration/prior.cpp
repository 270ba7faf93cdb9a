#include "tumen/calibration/prior.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "tumen/calibration/normal.hpp"
#include "tumen/distributions.hpp"

namespace tumen::calibration {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace

Prior Prior::uniform(double low, double high) {
  if (!(low < high) || !std::isfinite(low) || !std::isfinite(high)) {
    throw std::invalid_argument("a uniform prior needs finite low < high");
  }
  Prior prior;
  prior.kind_ = PriorKind::uniform;
  prior.low_ = low;
  prior.high_ = high;
  prior.log_normaliser_ = -std::log(high - low);
  return prior;
}

Prior Prior::log_uniform(double low, double high) {
  if (!(low > 0.0 && low < high) || !std::isfinite(high)) {
    throw std::invalid_argument("a log-uniform prior needs finite 0 < low < high");
  }
  Prior prior;
  prior.kind_ = PriorKind::log_uniform;
  prior.low_ = low;
  prior.high_ = high;
  prior.log_normaliser_ = -std::log(std::log(high) - std::log(low));
  return prior;
}

Prior Prior::normal(double mean, double sd) {
  if (!(sd > 0.0) || !std::isfinite(sd) || !std::isfinite(mean)) {
    throw std::invalid_argument("a normal prior needs a finite mean and a finite sd > 0");
  }
  Prior prior;
  prior.kind_ = PriorKind::normal;
  prior.low_ = -kInfinity;
  prior.high_ = kInfinity;
  prior.mean_ = mean;
  prior.sd_ = sd;
  prior.log_normaliser_ = -std::log(sd);
  return prior;
}

Prior Prior::truncated_normal(double mean, double sd, double low, double high) {
  Prior prior = normal(mean, sd);
  if (!(low < high) || std::isnan(low) || std::isnan(high)) {
    throw std::invalid_argument("a truncated normal prior needs low < high");
  }
  // The mass inside [low, high], from whichever tail keeps its precision: far in the right tail
  // Phi(b) - Phi(a) would cancel to 0, while Phi(-a) - Phi(-b) does not.
  const double a = (low - mean) / sd;
  const double b = (high - mean) / sd;
  const double mass = a > 0.0 ? standard_normal_cdf(-a) - standard_normal_cdf(-b)
                              : standard_normal_cdf(b) - standard_normal_cdf(a);
  if (!(mass > 0.0)) {
    throw std::invalid_argument("a truncated normal prior's interval must hold some probability");
  }
  prior.kind_ = PriorKind::truncated_normal;
  prior.low_ = low;
  prior.high_ = high;
  prior.log_normaliser_ = -std::log(sd) - std::log(mass);
  return prior;
}

double Prior::log_density(double x) const {
  if (std::isnan(x) || x < low_ || x > high_) return -kInfinity;
  switch (kind_) {
    case PriorKind::uniform:
      return log_normaliser_;
    case PriorKind::log_uniform:
      return log_normaliser_ - std::log(x);
    case PriorKind::normal:
    case PriorKind::truncated_normal:
      return standard_normal_log_density((x - mean_) / sd_) + log_normaliser_;
  }
  return -kInfinity;
}

double Prior::sample(rng::Draws& draws) const {
  switch (kind_) {
    case PriorKind::uniform:
      return low_ + (high_ - low_) * dist::uniform(draws);
    case PriorKind::log_uniform:
      return std::exp(std::log(low_) + (std::log(high_) - std::log(low_)) * dist::uniform(draws));
    case PriorKind::normal:
      return mean_ + sd_ * standard_normal(draws);
    case PriorKind::truncated_normal: {
      const double z =
          truncated_standard_normal(draws, (low_ - mean_) / sd_, (high_ - mean_) / sd_);
      // Rounding in mean + sd z could step just outside the support; keep the draw inside.
      const double x = mean_ + sd_ * z;
      return x < low_ ? low_ : (x > high_ ? high_ : x);
    }
  }
  return low_;
}

std::string Prior::describe() const {
  switch (kind_) {
    case PriorKind::uniform:
      return "uniform(" + number(low_) + ", " + number(high_) + ")";
    case PriorKind::log_uniform:
      return "log_uniform(" + number(low_) + ", " + number(high_) + ")";
    case PriorKind::normal:
      return "normal(" + number(mean_) + ", " + number(sd_) + ")";
    case PriorKind::truncated_normal:
      return "truncated_normal(" + number(mean_) + ", " + number(sd_) + ", " + number(low_) + ", " +
             number(high_) + ")";
  }
  return "";
}

}  // namespace tumen::calibration
