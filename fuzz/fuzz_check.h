// What a fuzz target does when a property it checks does not hold: it says which one and
// aborts, so that libFuzzer keeps the input as a crash, as it does for a sanitizer's report.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace openclaw::fuzz {

inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "property does not hold: %s\n", property);
  std::abort();
}

}  // namespace openclaw::fuzz
