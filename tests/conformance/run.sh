#!/usr/bin/env bash
# CI entry of the conformance suite: the official @fal-ai/client against the Fal.Reactive emulator.
#
#   bash tests/conformance/run.sh OUTFILE
#
# Builds the emulator, starts it on a free loopback port, waits until it answers, installs the
# pinned client (npm ci), runs `node --test` with the TAP reporter, writes the TAP output to OUTFILE
# (and to stdout), and always stops the emulator. Exits non-zero when a test fails or the emulator
# cannot be started. Environment: CONFORMANCE_READY_SECONDS (default 60).
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash tests/conformance/run.sh OUTFILE" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$(dirname "$1")"
outfile=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ready_seconds=${CONFORMANCE_READY_SECONDS:-60}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The suite must never use (or leak) a developer's real key.
unset FAL_KEY FAL_KEY_ID FAL_KEY_SECRET

work=$(mktemp -d "${TMPDIR:-/tmp}/fal-conformance.XXXXXX")
emulator_pid=""
node_pid=""
tail_pid=""
code=""

cleanup() {
  # Our own processes only, by pid: the test runner (and the test files it started), the echo, the emulator.
  if [ -n "$node_pid" ]; then
    pkill -TERM -P "$node_pid" 2>/dev/null
    kill "$node_pid" 2>/dev/null
  fi
  [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$emulator_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Writes a one-test TAP file saying why the suite could not run, so CI counts it as a failure.
setup_failure() {
  {
    echo "TAP version 13"
    echo "not ok 1 - conformance setup: $1"
    echo "1..1"
    echo "# tests 1"
    echo "# pass 0"
    echo "# fail 1"
  } | tee "$outfile"
  if [ -f "$work/emulator.log" ]; then
    echo "--- emulator output (last 40 lines) ---" >&2
    tail -n 40 "$work/emulator.log" >&2
  fi
  exit 1
}

started=$(date +%s)

# 1. Build the emulator (incremental when `dotnet test` already built the solution) and find its dll.
project="$root/src/Fal.Reactive.Emulator.Tool/Fal.Reactive.Emulator.Tool.csproj"
if ! dotnet build "$project" -nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  setup_failure "the emulator does not build"
fi
dll=$(dotnet msbuild "$project" -nologo -getProperty:TargetPath 2>/dev/null | tail -n 1 | tr -d '\r')
[ -f "$dll" ] || setup_failure "emulator assembly not found (TargetPath '$dll')"

# 2. Start it on loopback port 0: the OS picks a free port (no collision possible) and the emulator
#    prints the address it bound ("... listening on http://127.0.0.1:PORT/ ..."). Then wait until
#    GET /_emulator/requests answers 200 (it answers 503 while starting).
(cd "$root" && exec dotnet "$dll" --urls "http://127.0.0.1:0") >"$work/emulator.log" 2>&1 &
emulator_pid=$!
emulator_url=""
deadline=$(( $(date +%s) + ready_seconds ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  kill -0 "$emulator_pid" 2>/dev/null || setup_failure "the emulator exited while starting"
  if [ -z "$emulator_url" ]; then
    emulator_url=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[1-9][0-9]*\).*|\1|p' "$work/emulator.log" | head -n 1)
  fi
  if [ -n "$emulator_url" ]; then
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$emulator_url/_emulator/requests" 2>/dev/null || true)
    [ "$code" = "200" ] && break
  fi
  sleep 0.2
done
[ "$code" = "200" ] 2>/dev/null || setup_failure "the emulator did not answer GET ${emulator_url:-<no address printed>}/_emulator/requests within ${ready_seconds}s"
echo "emulator ready at $emulator_url (pid $emulator_pid)"

# 3. Install the pinned client exactly as locked.
if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1); then
  cat "$work/npm.log" >&2
  setup_failure "npm ci failed"
fi

# 4. Run the suite: test files one after another (they share the emulator). TAP goes to OUTFILE and
#    is echoed to stdout. Run in the background and waited for, so that a signal stops it at once.
: >"$outfile"
(cd "$here" && FAL_EMULATOR_URL="$emulator_url" exec node --test --test-reporter=tap --test-concurrency=1 test/) \
  >"$outfile" &
node_pid=$!
tail --pid="$node_pid" -n +1 -f "$outfile" &
tail_pid=$!
wait "$node_pid"
status=$?
wait "$tail_pid" 2>/dev/null
node_pid=""; tail_pid=""

if [ "$status" -ne 0 ]; then
  echo "--- emulator output (last 40 lines) ---" >&2
  tail -n 40 "$work/emulator.log" >&2
fi
echo "conformance: node --test exited $status after $(( $(date +%s) - started ))s"
exit "$status"
