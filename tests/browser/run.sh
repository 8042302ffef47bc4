#!/usr/bin/env bash
# The real-browser test of samples/BlazorRequests: headless Chromium (Debian's `chromium` package, installed here
# when missing) driven over its DevTools protocol by BrowserCheck, against the sample started as a user starts it
# (`dotnet run --project samples/BlazorRequests`, no FAL_KEY: the in-process emulator).
#   bash tests/browser/run.sh [log-file] [screenshot.png]
# Prints one line per check and "browser: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log="${1:-$here/out/run.log}"
screenshot="${2:-$here/out/mid-batch.png}"
mkdir -p "$(dirname "$log")" "$(dirname "$screenshot")"
: > "$log"

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  # Bounded and idempotent: apt-get does nothing when the package is there; 5 min at most for the download.
  echo "installing chromium (apt-get)" >> "$log"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo -n"; fi
  timeout 120 $sudo apt-get update -qq >> "$log" 2>&1
  DEBIAN_FRONTEND=noninteractive timeout 300 $sudo apt-get install -y -qq --no-install-recommends chromium >> "$log" 2>&1
  chromium=$(command -v chromium || true)
  [ -n "$chromium" ] || { tail -n 20 "$log" >&2; echo "browser: 0 passed, 1 failed (chromium could not be installed)"; exit 1; }
fi

dotnet build "$root/samples/BlazorRequests" -v q >> "$log" 2>&1 \
  && dotnet build "$here/BrowserCheck" -v q >> "$log" 2>&1 \
  || { tail -n 30 "$log" >&2; echo "browser: 0 passed, 1 failed (build)"; exit 1; }

app_out="$(dirname "$log")/browser-app.txt"
env -u FAL_KEY -u FAL_KEY_ID -u FAL_KEY_SECRET \
  dotnet run --project "$root/samples/BlazorRequests" --no-build --no-launch-profile -- --urls http://127.0.0.1:0 > "$app_out" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null; wait "$app" 2>/dev/null' EXIT
# "... Open http://127.0.0.1:NNNNN; Ctrl+C stops." Up to 60 s: a cold start on a busy machine takes a while.
url=""
for _ in $(seq 1 600); do
  url=$(grep -oE "Open http://127\.0\.0\.1:[0-9]+" "$app_out" | head -n 1 | cut -d' ' -f2)
  [ -n "$url" ] && break
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { cat "$app_out" >&2; echo "browser: 0 passed, 1 failed (the sample did not start)"; exit 1; }

timeout 300 dotnet "$here/BrowserCheck/bin/Debug/net10.0/BrowserCheck.dll" --app "$url/" --chromium "$chromium" --screenshot "$screenshot" | tee -a "$log"
status=${PIPESTATUS[0]}
grep -qE "^browser: [0-9]+ passed, [0-9]+ failed" "$log" || echo "browser: 0 passed, 1 failed (no summary: exit $status)"
exit "$status"
