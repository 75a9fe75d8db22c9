# Reading ACLs for the acl-keeper scenarios. Source it after lib.sh.
acl_of() { getfacl -cp "$1" 2>/dev/null; }
has_line() { grep -qx -- "$2" <<<"$1"; }
# The kernel copies a folder's default ACL to whatever is created in it, but takes the new
# mask from the creating mode (touch: rw-, mkdir -m 700: ---): only the keeper makes the
# mask rwx, so checking it tells the daemon's work apart from inheritance.
file_ok() {
  local a
  a=$(acl_of "$1") || return 1
  has_line "$a" 'user:101000:rwx' && has_line "$a" 'mask::rwx'
}
