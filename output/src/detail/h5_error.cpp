#include "detail/h5_error.hpp"

#include <hdf5.h>

#include "tumen/output/output_error.hpp"

namespace tumen::output::detail {

void silence_hdf5_error_printing() {
  thread_local const bool silenced = [] {
    (void)H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

void limit_hdf5_free_lists() {
  static const bool limited = [] {
    constexpr int kGlobal = 1 << 20;
    constexpr int kList = 64 << 10;
    (void)H5set_free_list_limits(kGlobal, kList, kGlobal, kList, kGlobal, kList);
    return true;
  }();
  (void)limited;
}

namespace {

herr_t keep_first_description(unsigned position, const H5E_error2_t* error, void* client_data) {
  if (position == 0 && error != nullptr && error->desc != nullptr) {
    *static_cast<std::string*>(client_data) = error->desc;
  }
  return 0;
}

}  // namespace

std::string take_innermost_hdf5_message() {
  std::string message;
  // Walking upward starts at the function that first detected the problem, whose description
  // is the specific one ("truncated file: eof = ...", "errno = 2, ... No such file").
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_first_description, &message);
  (void)H5Eclear2(H5E_DEFAULT);
  return message;
}

void ErrorContext::fail(std::string_view message) const {
  std::string text = file_;
  text += ": ";
  text += message;
  throw OutputError(text);
}

void ErrorContext::fail_hdf5(std::string_view operation) const {
  std::string text = "cannot ";
  text += operation;
  if (const std::string reason = take_innermost_hdf5_message(); !reason.empty()) {
    text += ": ";
    text += reason;
  }
  fail(text);
}

}  // namespace tumen::output::detail
