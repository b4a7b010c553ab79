# Sourced by the command-line test scripts (tools_test.sh,
# bad_input_test.sh, crash_safety_test.sh): a check that counts its passes
# and failures, and the summary that ends a script.

failures=0
passes=0

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
