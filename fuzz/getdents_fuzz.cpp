// The records getdents64 puts in disk-guard's buffer, walked by forEachDirRecord as the
// prune scan walks them.  The kernel writes these, so the input is what a kernel bug or a
// misread return value would hand over.  Properties: every name handed out is a
// NUL-terminated string inside the buffer (ASan sees any read past it), never "." or "..",
// and the walk ends (libFuzzer's -timeout sees one that does not).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "prune.h"

using openclaw::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The scan's buffer is a std::vector<char>: aligned as new[] aligns, as here.
  const std::vector<char> buffer(data, data + size);
  const char* begin = buffer.data();
  std::size_t names = 0;
  openclaw::diskguard::forEachDirRecord(begin, size, [&](const char* name, unsigned char) {
    const std::size_t length = std::strlen(name);
    require(name >= begin && name + length < begin + size, "a name lies inside the buffer");
    require(std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0,
            "\".\" and \"..\" are left out");
    ++names;
  });
  require(names <= size, "no more names than bytes");
  return 0;
}
