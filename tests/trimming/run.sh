#!/usr/bin/env bash
# Shows that a trimmed, self-contained app can use the Fal.Reactive package: packs it to tests/trimming/packages,
# publishes TrimmedConsumer with -p:PublishTrimmed=true --self-contained -r linux-x64 (warnings are errors, so a
# single IL2xxx/IL3xxx warning fails), starts the emulator on a free port and runs the trimmed app against it.
#   bash tests/trimming/run.sh [log-file]
# Prints "trimmed consumer: ok (N trim warnings)" and exits 0 on success.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log="${1:-$here/out/run.log}"
mkdir -p "$(dirname "$log")"
: > "$log"
# A fresh version each run: NuGet caches a package by id and version, and would keep serving an older build.
version="0.1.0-trim.$(date +%s)"

rm -rf "$here/packages" "$here/out/publish"
dotnet pack "$root/src/Fal.Reactive/Fal.Reactive.csproj" -c Release -o "$here/packages" -p:Version="$version" -v q >> "$log" 2>&1
dotnet publish "$here/TrimmedConsumer/TrimmedConsumer.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:FalReactiveVersion="$version" -o "$here/out/publish" -v n >> "$log" 2>&1 \
  || { grep -E "warning|error" "$log" | sort -u | tail -n 20 >&2; echo "trimmed consumer: publish FAILED" >&2; exit 1; }
warnings=$(grep -cE "warning IL[23][0-9]{3}" "$log" || true)

dotnet build "$root/src/Fal.Reactive.Emulator.Tool/Fal.Reactive.Emulator.Tool.csproj" -v q >> "$log" 2>&1
emulator_out="$here/out/emulator.txt"
dotnet "$root/src/Fal.Reactive.Emulator.Tool/bin/Debug/net10.0/Fal.Reactive.Emulator.Tool.dll" --port 0 > "$emulator_out" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT
# Up to 60 s: a cold start on a busy machine takes several seconds.
for _ in $(seq 1 600); do
  grep -q "listening on" "$emulator_out" && break
  kill -0 "$emulator" 2>/dev/null || { cat "$emulator_out" >&2; echo "trimmed consumer: the emulator did not start" >&2; exit 1; }
  sleep 0.1
done
line=$(grep "listening on" "$emulator_out") || { cat "$emulator_out" >&2; echo "trimmed consumer: the emulator did not start within 60 s" >&2; exit 1; }
# "... queue <url>, run <url>, rest <url>; ..." (each URL ends at a comma, semicolon, parenthesis or space).
url_of() { grep -oE "$1 https?://[^,;) ]+" <<<"$line" | head -n 1 | cut -d' ' -f2; }
queue=$(url_of queue); run=$(url_of run); rest=$(url_of rest)
[ -n "$queue" ] && [ -n "$run" ] && [ -n "$rest" ] || { echo "trimmed consumer: no hosts in the emulator's banner: $line" >&2; exit 1; }

"$here/out/publish/TrimmedConsumer" "$queue" "$run" "$rest" | tee -a "$log"
echo "trimmed consumer: ok ($warnings trim warnings)"
