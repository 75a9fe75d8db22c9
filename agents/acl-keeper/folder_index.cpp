#include "folder_index.h"

#include <algorithm>

#include "acl_tree.h"

namespace openclaw::aclkeeper {

FolderIndex::FolderIndex() {
  nodes_.emplace_back();
  nodes_[kRoot].live = true;
  nodes_[kRoot].attached = true;
  nodes_[kRoot].entry = byName_.end();
}

FolderIndex::Id FolderIndex::child(Id parent, const std::string& name) {
  auto [it, added] = byName_.try_emplace(Key{parent, name}, 0);
  if (!added) return it->second;
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    nodes_[id] = Node{};
  } else {
    id = static_cast<Id>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& n = nodes_[id];
  n.parent = parent;
  n.depth = static_cast<std::uint16_t>(nodes_[parent].depth + 1);
  n.live = true;
  n.attached = true;
  n.entry = it;
  it->second = id;
  ++nodes_[parent].children;
  return id;
}

std::optional<FolderIndex::Id> FolderIndex::find(Id parent, const std::string& name) const {
  auto it = byName_.find(Key{parent, name});
  if (it == byName_.end()) return std::nullopt;
  return it->second;
}

std::string FolderIndex::path(Id id) const {
  if (id == kRoot || !nodes_[id].attached) return "";
  // Gathered leaf first, then joined root first; the string is built once at its full size.
  std::vector<const std::string*> names;
  std::size_t size = 0;
  for (Id at = id; at != kRoot; at = nodes_[at].parent) {
    names.push_back(&nodes_[at].entry->first.second);
    size += names.back()->size() + 1;
  }
  std::string out;
  out.reserve(size);
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += **it;
  }
  return out;
}

void FolderIndex::setWatch(Id id, int wd) {
  Node& n = nodes_[id];
  if ((n.watch >= 0) != (wd >= 0)) {
    if (wd >= 0) {
      ++watched_;
    } else {
      --watched_;
    }
  }
  n.watch = wd;
  if (wd < 0) drop(id);
}

void FolderIndex::release(Id id) {
  if (nodes_[id].holds > 0) --nodes_[id].holds;
  drop(id);
}

void FolderIndex::drop(Id id) {
  while (id != kRoot) {
    Node& n = nodes_[id];
    // Freed already (removeSubtree frees a parent through its last child), or still in use.
    if (!n.live || n.watch >= 0 || n.holds > 0 || n.children > 0) return;
    if (n.attached) byName_.erase(n.entry);
    const Id parent = n.parent;
    n = Node{};
    free_.push_back(id);
    --nodes_[parent].children;
    id = parent;
  }
}

void FolderIndex::removeSubtree(Id top, const std::function<void(int wd)>& dropped) {
  // Depth first with a stack of ids: no recursion, however deep the tree.
  std::vector<Id> pending{top};
  std::vector<Id> order;
  while (!pending.empty()) {
    const Id id = pending.back();
    pending.pop_back();
    order.push_back(id);
    const auto first = byName_.lower_bound(Key{id, std::string()});
    for (auto it = first; it != byName_.end() && it->first.first == id; ++it) {
      pending.push_back(it->second);
    }
  }
  // Deepest first, so each folder goes before its parent is looked at.
  std::reverse(order.begin(), order.end());
  for (const Id id : order) {
    Node& n = nodes_[id];
    if (!n.live) continue;
    if (n.watch >= 0) {
      dropped(n.watch);
      n.watch = -1;
      --watched_;
    }
    n.fresh = false;
    if (id == kRoot) continue;
    if (n.attached) {
      byName_.erase(n.entry);
      n.attached = false;
    }
    drop(id);
  }
}

void walkTree(AclTree& tree, unsigned maxDepth,
              const std::function<void(const std::string& rel, std::error_code)>& unlistable) {
  FolderIndex folders;
  std::vector<FolderIndex::Id> pending{FolderIndex::kRoot};
  folders.hold(FolderIndex::kRoot);
  while (!pending.empty()) {
    const FolderIndex::Id id = pending.back();
    pending.pop_back();
    const std::string rel = folders.path(id);
    if (auto fd = tree.openFolder(rel)) {  // else gone since it was listed
      std::vector<SubFolder> sub;
      if (auto r = tree.visitChildren(fd->get(), rel, sub); !r) unlistable(rel, r.error());
      for (const auto& s : sub) {
        const std::string subRel = rel.empty() ? s.name : rel + '/' + s.name;
        if (folders.depth(id) + 1 > maxDepth) {
          tree.tooDeep(subRel, maxDepth);
          continue;
        }
        const FolderIndex::Id child = folders.child(id, s.name);
        folders.hold(child);
        pending.push_back(child);
      }
    }
    folders.release(id);
  }
}

}  // namespace openclaw::aclkeeper
