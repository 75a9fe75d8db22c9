// The folders of one tree that acl-keeper has in hand: watched, or queued to be walked.
//
// Each is known by its parent and its own name, never by its whole path: a folder costs its
// name and a few words, however deep it is (a chain of 3 000 folders known by their paths
// cost the sum of the paths, gigabytes).  The path is rebuilt when it is needed: to open the
// folder again from the root, or to name it in the journal.  A folder stays while it has a
// watch, queued work (hold/release) or folders below it that do; then it goes, and its
// parents after it when they hold nothing either.  A folder removed while work on it is
// still queued is detached: no longer found by name, freed when that work is done.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace openclaw::aclkeeper {

class AclTree;

class FolderIndex {
 public:
  using Id = std::uint32_t;
  static constexpr Id kRoot = 0;

  FolderIndex();

  // The folder `name` in `parent`, added if it is not known yet.
  Id child(Id parent, const std::string& name);
  std::optional<Id> find(Id parent, const std::string& name) const;
  // "a/b" relative to the root; "" for the root (and for a detached folder).
  std::string path(Id id) const;
  // Levels below the root: 0 for the root.
  unsigned depth(Id id) const { return nodes_[id].depth; }
  bool detached(Id id) const { return id != kRoot && !nodes_[id].attached; }

  // The folder's inotify watch descriptor, or -1.
  int watch(Id id) const { return nodes_[id].watch; }
  void setWatch(Id id, int wd);
  // Its own ACL was just fixed: likely nothing in it has been kept yet (see acl_tree.h).
  bool fresh(Id id) const { return nodes_[id].fresh; }
  void setFresh(Id id, bool fresh) { nodes_[id].fresh = fresh; }

  // Work queued on the folder: it is kept until as many releases came.
  void hold(Id id) { ++nodes_[id].holds; }
  void release(Id id);

  // Forgets the folder and everything below it (moved out, or the root refused: then only
  // what is below it), handing each watch they had to `dropped`.
  void removeSubtree(Id id, const std::function<void(int wd)>& dropped);

  std::size_t watched() const { return watched_; }
  // Folders in hand, detached ones included (the root counts).
  std::size_t size() const { return nodes_.size() - free_.size(); }

 private:
  using Key = std::pair<Id, std::string>;  // (parent, name): children of one parent are a range
  struct Node {
    Id parent = kRoot;
    std::uint32_t children = 0;  // nodes whose parent this is, attached or not
    std::uint32_t holds = 0;
    int watch = -1;
    std::uint16_t depth = 0;
    bool live = false;  // in use, not on the free list
    bool attached = false;
    bool fresh = false;
    std::map<Key, Id>::iterator entry;  // its name, while attached
  };
  void drop(Id id);  // frees it and then its parents while they hold nothing

  std::vector<Node> nodes_;
  std::vector<Id> free_;
  std::map<Key, Id> byName_;
  std::size_t watched_ = 0;
};

// A whole walk of a tree whose root is open, in one go, down to `maxDepth` levels below the
// root (deeper folders are reported as skipped): acl-verify's walk.  A folder that cannot
// be listed is told to `unlistable` (its path relative to the root).
void walkTree(AclTree& tree, unsigned maxDepth,
              const std::function<void(const std::string& rel, std::error_code)>& unlistable);

}  // namespace openclaw::aclkeeper
