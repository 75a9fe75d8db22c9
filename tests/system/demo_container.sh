# The demo's bot container, shared by scripts/demo.sh (which starts it, through
# docker_engine.sh) and demo-scenario.sh (which breaks it). Source it.
#
# Healthy unless /broken holds the start time of the container's current PID 1: breaking
# it marks this run only, so a restart of the container (a new PID 1) is what heals it.
# /proc/<pid>/stat's 22nd field is the start time in clock ticks since boot.
demo_health_cmd='read -r s </proc/1/stat; set -- $s; b=; read -r b 2>/dev/null </broken; test "$b" != "${22}"'
demo_break_cmd='read -r s </proc/1/stat; set -- $s; echo "${22}" >/broken'
