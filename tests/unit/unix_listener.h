// A listening unix socket in a fresh temporary folder, removed with it: the far end of a
// bus connection that a test plays itself (a peer that hangs up, a scripted manager).
#pragma once

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "openclaw/handles.h"

namespace openclaw {

class UnixListener {
 public:
  UnixListener() {
    char tmpl[] = "/tmp/oc-unix-listener.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
    path_ = dir_ + "/socket";
    fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    ready_ = ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
             ::listen(fd_.get(), 4) == 0;
  }
  ~UnixListener() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  bool ready() const { return ready_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }
  // The next connection off the backlog (blocks until there is one, or the socket is shut).
  UniqueFd accept() const { return UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC)); }

 private:
  std::string dir_;
  std::string path_;
  UniqueFd fd_;
  bool ready_ = false;
};

}  // namespace openclaw
