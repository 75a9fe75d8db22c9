// Prints CLOCK_MONOTONIC in microseconds, then becomes COMMAND: the moment a benchmark
// sample starts, on the clock systemd's *TimestampMonotonic properties use.
#include <time.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stamp_exec COMMAND [ARGS...]\n");
    return 2;
  }
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  std::printf("%lld\n", static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000);
  std::fflush(stdout);
  execvp(argv[1], argv + 1);
  std::perror("stamp_exec");
  return 127;
}
