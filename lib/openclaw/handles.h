// RAII owners for every kernel or library handle the suite touches.
//
// Each owner is move-only and releases its handle exactly once.  `UniqueFd` never retries
// close() on EINTR: on Linux the descriptor is gone either way, and a retry could close a
// descriptor another thread has just been given.
#pragma once

#include <acl/libacl.h>
#include <curl/curl.h>
#include <sys/acl.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <utility>

namespace openclaw {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct BusUnref {
  void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
struct BusSlotUnref {
  void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
struct BusMessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
struct CurlCleanup {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CFree {
  void operator()(void* p) const { ::free(p); }
};
struct AclFree {
  void operator()(void* a) const { acl_free(a); }
};

using BusPtr = std::unique_ptr<sd_bus, BusUnref>;
using BusSlotPtr = std::unique_ptr<sd_bus_slot, BusSlotUnref>;
using BusMessagePtr = std::unique_ptr<sd_bus_message, BusMessageUnref>;
using CurlPtr = std::unique_ptr<CURL, CurlCleanup>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistFree>;
// acl_t is itself a pointer type; the owner holds the pointee.
// A string a C library allocated with malloc and hands over (sd_bus_path_encode, ...).
using CStringPtr = std::unique_ptr<char, CFree>;
using AclPtr = std::unique_ptr<std::remove_pointer_t<acl_t>, AclFree>;

// sd_bus_error is a value with heap parts; this frees them on scope exit.
class BusError {
 public:
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&err_); }
  sd_bus_error* get() { return &err_; }
  const char* name() const { return err_.name; }
  const char* message() const { return err_.message; }
  bool isSet() const { return sd_bus_error_is_set(&err_); }

 private:
  sd_bus_error err_ = SD_BUS_ERROR_NULL;
};

}  // namespace openclaw
