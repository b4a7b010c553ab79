# Sourced by the command-line test scripts (tools_test.sh,
# bad_input_test.sh, crash_safety_test.sh, index_cli_test.sh,
# readme_demo_test.sh): a scratch folder, a check that counts its passes and
# failures, the summary that ends a script, and a generator of words.

failures=0
passes=0

scratch() {  # scratch: $work, a new folder removed when the script exits
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

check() {  # check NAME CONDITION...: counts CONDITION's outcome
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name" >&2
    failures=$((failures + 1))
  fi
}

finish() {  # finish [WHAT]: prints the counts; fails when a check failed
  echo "${1:-}$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}

# words N FIRST: N distinct letter-only words (digits would all normalize
# to 0 and make every generated document alike).
words() {
  awk -v n="$1" -v first="${2:-0}" 'BEGIN {
    for (k = 0; k < n; k++) {
      m = first + k; w = "w"
      do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0)
      printf("%s%s", k ? " " : "", w)
    }
  }'
}
