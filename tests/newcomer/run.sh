#!/usr/bin/env bash
# Does what a newcomer does, from packages, offline:
#   1. the packages in a local feed (packed here, or given with --feed DIR --version V);
#   2. the fal-emulator tool installed from that feed and started on a free port;
#   3. `dotnet new console` with the README's quick start as Program.cs, run against the emulator through
#      FAL_EMULATOR_URL: it must exit well before its DisposeTimeout (set to 60 s) after its last output;
#   4. `dotnet new web` with AddFalClient and an endpoint that starts a request and answers 202: the request must
#      complete on the emulator after the HTTP request ended, not be cancelled with it;
#   5. PackageConsumer.Tests, a test project referencing the Fal.Reactive.Emulator package, run with dotnet test.
# Restores use only the local feed and the machine's NuGet cache (a nuget.config with <clear/>).
#   bash tests/newcomer/run.sh [--feed DIR --version V] [log-file]
# Prints one line per check and "newcomer: N passed, N failed"; exits 0 only when all passed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
feed="" version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --feed) feed="$(cd "$2" && pwd)"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    *) break ;;
  esac
done
out="$here/out"
log="${1:-$out/run.log}"
rm -rf "$out/work" "$out/tools"; mkdir -p "$out/work" "$(dirname "$log")"
: > "$log"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset FAL_KEY FAL_KEY_ID FAL_KEY_SECRET FAL_EMULATOR_URL FAL_RUN_HOST FAL_QUEUE_RUN_HOST
passed=0; failed=0
pass() { echo "newcomer: $1: ok${2:+ ($2)}"; passed=$((passed + 1)); }
fail() { echo "newcomer: $1: FAILED${2:+: $2}" >&2; failed=$((failed + 1)); }
finish() { echo "newcomer: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
run() { echo "\$ $*" >> "$log"; "$@" >> "$log" 2>&1; }

# 1. The feed. A fresh version when packing here: NuGet caches a package by id and version.
if [ -z "$feed" ]; then
  version="0.1.0-newcomer.$(date +%s)"
  feed="$out/feed"; rm -rf "$feed"
  run timeout 900 dotnet pack "$root/Fal.Reactive.sln" -c Release -o "$feed" -p:Version="$version" -v q \
    || { fail "pack" "see $log"; finish; }
fi
[ -n "$version" ] || { fail "arguments" "--feed needs --version"; finish; }
nuget_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cat > "$out/work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- Offline: the packages under test first, then what this machine has already downloaded. -->
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="machine-cache" value="$nuget_cache" />
  </packageSources>
</configuration>
EOF
cp "$out/work/nuget.config" "$here/PackageConsumer.Tests/nuget.config"
cp "$here"/Directory.Build.props "$here"/Directory.Build.targets "$here"/Directory.Packages.props "$out/work/"

# 2. The emulator, as the tool a newcomer installs.
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -f "$here/PackageConsumer.Tests/nuget.config"; }
trap cleanup EXIT
if run timeout 300 dotnet tool install Fal.Reactive.Emulator.Tool --version "$version" --tool-path "$out/tools" \
     --configfile "$out/work/nuget.config"; then
  "$out/tools/fal-emulator" --port 0 > "$out/emulator.txt" 2>&1 &
  pids+=($!)
  emulator=""
  for _ in $(seq 1 600); do
    emulator=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[1-9][0-9]*\).*|\1|p' "$out/emulator.txt" | head -n 1)
    [ -n "$emulator" ] && break
    sleep 0.1
  done
  [ -n "$emulator" ] && pass "fal-emulator tool" "$emulator" || { fail "fal-emulator tool" "did not start: $(cat "$out/emulator.txt")"; finish; }
else
  fail "fal-emulator tool" "install failed, see $log"; finish
fi
requests() { curl -s -m 5 "$emulator/_emulator/requests"; }

# 3. A console app from the README's quick start, the DisposeTimeout raised to 60 s so a hang cannot pass.
console="$out/work/quickstart"
run dotnet new console -o "$console" --no-restore
python3 - "$root/README.md" "$console/Program.cs" <<'EOF'
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
section = readme[readme.index("## Quick start"):]
block = re.search(r"```csharp\n(.*?)```", section, re.S).group(1)
assert "await using var fal = new FalClient();" in block, "the quick start creates its client with await using"
block = block.replace("new FalClient();", "new FalClient(new FalClientOptions { DisposeTimeout = TimeSpan.FromSeconds(60) });", 1)
open(sys.argv[2], "w", encoding="utf-8").write(block)
EOF
if run timeout 300 dotnet add "$console" package Fal.Reactive --version "$version" \
   && run timeout 300 dotnet build "$console" -v q; then
  # Each output line stamped as it arrives; the exit stamped when the process ends.
  timing=$(FAL_EMULATOR_URL="$emulator" FAL_KEY="newcomer-key" timeout 120 python3 - "$console/bin/Debug/net10.0/quickstart.dll" 2>>"$log" <<'EOF'
import subprocess, sys, time
start = time.monotonic()
p = subprocess.Popen(["dotnet", sys.argv[1]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
last = start
for line in p.stdout:
    last = time.monotonic()
    print(f"  | {line.rstrip()}", file=sys.stderr)
code = p.wait()
end = time.monotonic()
print(f"{code} {end - last:.2f} {end - start:.2f}")
EOF
  )
  echo "$timing" >> "$log"
  read -r code after total <<<"$timing"
  if [ "${code:-x}" = "0" ] && python3 -c "import sys; sys.exit(0 if float('$after') < 15 else 1)" 2>/dev/null \
     && requests | python3 -c "import json,sys; r=json.load(sys.stdin); sys.exit(0 if any(x['app_id']=='fal-ai/fast-sdxl' and x['state']=='completed' for x in r) else 1)"; then
    pass "quick start console app" "exit ${after} s after its last output, ${total} s in all; DisposeTimeout 60 s"
  else
    fail "quick start console app" "exit code ${code:-none}, ${after:-?} s after its last output (must be < 15 s); see $log"
  fi
else
  fail "quick start console app" "does not build, see $log"
fi

# 4. An ASP.NET Core app with AddFalClient: the endpoint starts a request and answers 202 before it runs.
web="$out/work/webapp"
run dotnet new web -o "$web" --no-restore
cat > "$web/Program.cs" <<'EOF'
using Fal.Reactive;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFalClient();
var app = builder.Build();

app.MapPost("/renders", (FalClient fal, string prompt) =>
{
    // Followed by the app-wide client after this HTTP request has ended.
    fal.Submit("emulator/slow", new { run_seconds = 2, prompt })
       .Subscribe(status => Console.WriteLine($"{status.RequestId}: {status.GetType().Name}"),
                  error => Console.WriteLine($"failed: {error.Message}"));
    return Results.Accepted();
});

app.Run();
EOF
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()")
if run timeout 300 dotnet add "$web" package Fal.Reactive.Extensions.DependencyInjection --version "$version" \
   && run timeout 300 dotnet build "$web" -v q; then
  FAL_EMULATOR_URL="$emulator" FAL_KEY="newcomer-key" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    dotnet "$web/bin/Debug/net10.0/webapp.dll" > "$out/webapp.txt" 2>&1 &
  pids+=($!)
  code=""
  for _ in $(seq 1 300); do
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/renders?prompt=newcomer" 2>/dev/null) && [ "$code" != "000" ] && break
    sleep 0.1
  done
  answered=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  verdict=""
  if [ "$code" = "202" ]; then
    for _ in $(seq 1 300); do
      verdict=$(requests | python3 -c "
import json, sys
answered = sys.argv[1][:26]
rs = [r for r in json.load(sys.stdin) if r['app_id'] == 'emulator/slow']
if not rs: sys.exit(1)
r = rs[0]
if r['cancel_requested']: print('cancelled'); sys.exit(0)
if r['state'] != 'completed': sys.exit(1)
print('completed-after' if r['completed_at'][:26] > answered else 'completed-before')
" "$answered") && break
      sleep 0.1
    done
  fi
  if [ "$verdict" = "completed-after" ]; then
    pass "web app with AddFalClient" "202, then the request completed on the emulator after the HTTP request ended"
  else
    fail "web app with AddFalClient" "answer ${code:-none}, request ${verdict:-not completed within 30 s}; see $out/webapp.txt"
  fi
else
  fail "web app with AddFalClient" "does not build, see $log"
fi

# 5. A user's test project referencing the emulator package.
if run timeout 600 dotnet test "$here/PackageConsumer.Tests" -p:FalReactiveVersion="$version"; then
  pass "test project referencing Fal.Reactive.Emulator"
else
  fail "test project referencing Fal.Reactive.Emulator" "see $log"
fi

finish
