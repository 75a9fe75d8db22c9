# Measuring a small tmpfs for the disk-guard scenarios. Source it after lib.sh with $mnt set
# to the mount. Every file is one chunk: tmpfs accounts whole pages, and folders, FIFOs and
# short symlinks take none, so usage is exact: 8 MiB = 32 chunks, 1 chunk = 3.125 %.
chunk=262144

# usage in hundredths of a percent, as df: used / (used + available).
usage() {
  local b f a
  read -r b f a < <(stat -f -c '%b %f %a' "$mnt")
  echo $(( (b - f) * 10000 / (b - f + a) ))
}
shown_usage() { local u; u=$(usage); printf '%d.%02d %%' $((u / 100)) $((u % 100)); }
under() { [ "$(usage)" -lt $(($1 * 100)) ]; }
# mkfile PATH DAYS: one chunk, its mtime DAYS days ago (0: now).
mkfile() {
  head -c $chunk /dev/zero > "$1"
  [ "$2" = 0 ] || touch -d "$2 days ago" "$1"
}
# What a removal would change: names, kinds, sizes, mtimes, link counts.
fingerprint() { find "$@" -printf '%p %y %s %T@ %n\n' | sort; }
