// What a daemon logs outside systemd (plain lines on stderr), caught in a file for the test
// to read while the daemon's loop runs: fd 2 points at the file until the capture ends.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace openclaw::testing {

// A journal field as a plain log line shows it: field(journal_key::kEvent, event::kPrune) is
// "OPENCLAW_EVENT=prune" (events.h).
inline std::string field(std::string_view key, std::string_view value) {
  return std::string(key) + "=" + std::string(value);
}

class CapturedLog {
 public:
  CapturedLog() {
    char tmpl[] = "/tmp/openclaw-log-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    path_ = tmpl;
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  ~CapturedLog() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::unlink(path_.c_str());
  }
  std::string text() const {
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // How many times `what` occurs in the log so far.
  std::size_t count(const std::string& what) const {
    const std::string all = text();
    std::size_t n = 0;
    for (auto at = all.find(what); at != std::string::npos; at = all.find(what, at + 1)) ++n;
    return n;
  }

 private:
  std::string path_;
  int saved_ = -1;
};

}  // namespace openclaw::testing
