#!/usr/bin/env bash
# Runs every test tier from a fresh clone: provisions Node and dependencies,
# then type check, lint, prettier, unit tests, integration tests against real
# local servers, the production bundle check and the end-to-end smoke test.
# Prints one summary line per tier and a closing "N passed, N failed" line;
# exits non-zero when anything failed.
#
#   scripts/test-all.sh            every tier
#   TIERS="unit e2e" scripts/test-all.sh   a subset (names below)
set -uo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "$0")/toolchain.sh" || exit 1
cd "$CODER_PLATFORM_ROOT"
export CI=true
artifacts="$CODER_PLATFORM_ROOT/artifacts"
mkdir -p "$artifacts"

passed=0
failed=0
summary=()
started_all=$SECONDS

record() { # tier passed failed seconds
  passed=$((passed + $2))
  failed=$((failed + $3))
  summary+=("$(printf '%-12s %4d passed, %3d failed  (%ds)' "$1" "$2" "$3" "$4")")
}

# A tier that is one check: a command that passes or fails as a whole.
run_check() { # tier command...
  local tier=$1 start=$SECONDS
  shift
  echo "=== $tier: $*"
  if "$@"; then record "$tier" 1 0 $((SECONDS - start)); else record "$tier" 0 1 $((SECONDS - start)); fi
}

# A jest tier: counts come from jest's JSON report; a run that dies before
# writing one counts as one failure.
run_jest() { # tier script
  local tier=$1 script=$2 start=$SECONDS report="$artifacts/jest-$1.json"
  echo "=== $tier: yarn $script"
  rm -f "$report"
  yarn "$script" --json --outputFile="$report"
  local status=$?
  if [ -f "$report" ]; then
    local counts
    counts=$(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$report")
    local p=${counts% *} f=${counts#* }
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    record "$tier" "$p" "$f" $((SECONDS - start))
  else
    record "$tier" 0 1 $((SECONDS - start))
  fi
}

# A script tier that writes {passed, failed} to a summary file.
run_summary() { # tier summary-file command...
  local tier=$1 file=$2 start=$SECONDS
  shift 2
  echo "=== $tier: $*"
  rm -f "$file"
  "$@"
  local status=$?
  if [ -f "$file" ]; then
    local counts
    counts=$(node -e 'const r=require(process.argv[1]); console.log(r.passed, r.failed)' "$file")
    local p=${counts% *} f=${counts#* }
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    record "$tier" "$p" "$f" $((SECONDS - start))
  else
    record "$tier" 0 1 $((SECONDS - start))
  fi
}

tiers=${TIERS:-"install tsc lint prettier unit integration bundle e2e"}
want() { [[ " $tiers " == *" $1 "* ]]; }

if want install; then
  run_check install bash scripts/install.sh
  if [ "$failed" != 0 ]; then
    echo "install failed: nothing else can run"
    echo "$passed passed, $failed failed"
    exit 1
  fi
fi
want tsc && run_check tsc yarn tsc
want lint && run_check lint yarn lint
want prettier && run_check prettier yarn prettier:check
want unit && run_jest unit test

if want integration; then
  peers_started=0
  cleanup_peers() { [ "$peers_started" = 1 ] && bash scripts/peers/peers.sh down >/dev/null 2>&1; }
  trap cleanup_peers EXIT
  start=$SECONDS
  echo "=== peers: yarn peers up"
  if bash scripts/peers/peers.sh up; then
    peers_started=1
    record peers 1 0 $((SECONDS - start))
    run_jest integration test:integration
  else
    peers_started=1
    # The peers script named the server and the step that failed above.
    record peers 0 1 $((SECONDS - start))
  fi
  cleanup_peers
  peers_started=0
fi

want bundle && run_summary bundle "$artifacts/e2e/bundle-summary.json" node scripts/e2e/backend-bundle.mjs

if want e2e; then
  if bash scripts/ensure-chromium.sh; then
    run_summary e2e "$artifacts/e2e/summary.json" node scripts/e2e/smoke.mjs
  else
    record e2e 0 1 0
  fi
fi

echo
echo "Summary (total $((SECONDS - started_all)) s):"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
