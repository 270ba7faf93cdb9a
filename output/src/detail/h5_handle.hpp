#pragma once
// Owning wrappers for HDF5 identifiers. Every identifier the library opens is closed exactly once,
// on every path, including when an exception unwinds a half-written file; the close result is
// ignored there because a destructor cannot report it and the file is being abandoned anyway.
#include <hdf5.h>

#include <utility>

namespace tumen::output::detail {

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }

  [[nodiscard]] hid_t id() const { return id_; }
  [[nodiscard]] bool is_open() const { return id_ >= 0; }

  // Closes now and reports the result, for the places (finish()) where a failed close matters:
  // closing the file is when HDF5 writes the last metadata.
  herr_t close() { return id_ >= 0 ? Close(std::exchange(id_, H5I_INVALID_HID)) : 0; }

  void reset() noexcept {
    if (id_ >= 0) {
      (void)Close(std::exchange(id_, H5I_INVALID_HID));
    }
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;
using Attribute = Handle<&H5Aclose>;
using PropertyList = Handle<&H5Pclose>;

}  // namespace tumen::output::detail
