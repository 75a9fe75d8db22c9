# Builds everything instrumented by the sanitizers named in OPENCLAW_SANITIZE ("address,undefined"
# or "thread"), for the unit tests under scripts/test.sh.  UBSan aborts at its first finding,
# so a report is a failed test run and never a line scrolled past.
set(OPENCLAW_SANITIZE "" CACHE STRING "sanitizers to build with: address,undefined or thread")

# The fuzz targets' findings are the sanitizers' reports, and libFuzzer steers by the
# coverage of every library they call into.
if(OPENCLAW_FUZZ)
  if(NOT OPENCLAW_SANITIZE)
    set(OPENCLAW_SANITIZE address,undefined)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  # clang, unlike g++, warns of a member not used yet (BridgeService::ctx_, kept for the
  # calling endpoints to come); that is no finding of the fuzz build.
  add_compile_options(-Wno-unused-private-field)
endif()

if(OPENCLAW_SANITIZE)
  add_compile_options(-fsanitize=${OPENCLAW_SANITIZE} -fno-omit-frame-pointer)
  if(OPENCLAW_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=all)
  endif()
  # GCC warns of every atomic_thread_fence, which TSan does not model; Asio fences around each
  # handler it runs, where the scheduler's mutex, which TSan does see, already orders the calls.
  if(OPENCLAW_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
  add_link_options(-fsanitize=${OPENCLAW_SANITIZE})
endif()
