// A fresh folder under /tmp for one test, removed with everything in it when the test ends.
//
// The removal never follows a symbolic link: a link the test (or the code under test) left
// inside goes, the file or folder it points to stays.  A folder the test made unreadable is
// opened up again on the way, so it does not stay behind.  The constructor throws when no
// folder can be made, which fails the test that wanted one.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace openclaw::testing {

class TempFolder {
 public:
  // `prefix` names the folder ("/tmp/<prefix>-XXXXXX"), so a leftover says which test made it.
  explicit TempFolder(const std::string& prefix = "openclaw-test") {
    std::string name = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(name.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + name);
    }
    path_ = std::move(name);
  }
  ~TempFolder() { removeAll(); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  // `name` inside the folder.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  void removeAll() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    // The iterator does not descend through a link, and symlink_status does not resolve one:
    // only real folders are opened up.
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->symlink_status(ec).type() == fs::file_type::directory) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
      }
    }
    fs::remove_all(path_, ec);  // removes links themselves, never what they point to
  }

  std::string path_;
};

}  // namespace openclaw::testing
