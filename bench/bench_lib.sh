# Sourced by the end-to-end benchmark scripts (e2e_benchmark.sh,
# clean_benchmark.sh): /usr/bin/time when it works, and the block that
# heads every report (host, CPU, neardup build, wc). Needs REPO and NEARDUP.

TIMEV=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null; then
  TIMEV=/usr/bin/time
fi

print_context() {  # print_context TITLE
  local cpu_model git_rev
  cpu_model="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  [[ -n "$cpu_model" ]] || cpu_model="$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
  git_rev="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    git_rev="$git_rev-dirty"
  fi
  echo "$1, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "host:    $(hostname), $(uname -srm), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory"
  echo "cpu:     $cpu_model"
  echo "neardup: $("$NEARDUP" --version 2>&1 | head -1), checkout at git $git_rev"
  echo "binary:  $NEARDUP, built $(date -u -r "$NEARDUP" '+%Y-%m-%d %H:%M UTC')"
  echo "wc:      $(wc --version | head -1), locale ${LC_ALL:-${LC_CTYPE:-${LANG:-POSIX}}}"
  echo "time:    ${TIMEV:-/usr/bin/time not installed: peak memory from stats.json only}"
}
