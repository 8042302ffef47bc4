#!/usr/bin/env bash
# Crash test of durable batches: the sample's 40-prompt batch with --journal against a separate emulator process
# (--latency-ms, so kills land mid-submit too), SIGKILLed at random moments at least $KILLS times, then re-run until it
# exits 0. Then: the emulator holds exactly 40 requests, one per prompt, none queued or running; 40 images on disk, no
# temporary files. Mode "sqlite" (one process, a journal file) or "postgres" (three workers sharing a PostgreSQL journal,
# each killed at random and restarted under its worker id).
#   bash tests/crash/run.sh sqlite|postgres [log-file]
# CRASH_NO_BUILD=1: the caller built samples/RxConsole and src/Fal.Reactive.Emulator.Tool (Debug) already, as .ci/run's
# solution build does; each `dotnet build` of an up-to-date project still costs several seconds.
# Prints "crash <mode>: ok (…)" or "crash <mode>: FAILED (…)"; exits 0 only when ok.
set -uo pipefail
mode=${1:-sqlite}
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
work=$(mktemp -d /tmp/fal-crash.XXXXXX); log=${2:-$work/run.log}; : > "$log"
KILLS=${KILLS:-20}; N=40
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cleanup() { [ -n "${emu:-}" ] && kill "$emu" 2>/dev/null; [ -n "${pgdir:-}" ] && bash "$root/eng/postgres-test-server.sh" stop "$pgdir"; jobs -p | xargs -r kill -9 2>/dev/null; }
trap cleanup EXIT
fail() { echo "crash $mode: FAILED ($1)"; tail -n 20 "$log" >&2; exit 1; }

sample="$root/samples/RxConsole/bin/Debug/net10.0/RxConsole.dll"
tool="$root/src/Fal.Reactive.Emulator.Tool/bin/Debug/net10.0/Fal.Reactive.Emulator.Tool.dll"
if [ "${CRASH_NO_BUILD:-0}" != 1 ] || [ ! -f "$sample" ] || [ ! -f "$tool" ]; then
  dotnet build "$root/samples/RxConsole" -v q >>"$log" 2>&1 && dotnet build "$root/src/Fal.Reactive.Emulator.Tool" -v q >>"$log" 2>&1 || fail "build"
fi
t_build=$SECONDS
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
dotnet "$tool" --port "$port" --workers 16 --latency-ms 150 >>"$log" 2>&1 & emu=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/_emulator/health" >/dev/null && break; sleep 0.2; done
export FAL_EMULATOR_URL="http://127.0.0.1:$port" FAL_KEY="crash-test-key"
seq 1 $N | sed 's/^/crash prompt /' > "$work/prompts.txt"
if [ "$mode" = postgres ]; then
  out=$(bash "$root/eng/postgres-test-server.sh" start) || fail "postgres"
  pgdir=${out##*|}; journal="postgres:${out%%|*}"; workers=3
else
  journal="$work/batch.journal"; workers=1
fi
# Enough work that the kills land before the batch ends (three workers finish three times sooner), and no more: past
# the kills, the batch's own work is what the run waits for. 20 kills take ~20 s; each step is 40 ms on the emulator.
if [ "$workers" -gt 1 ]; then per="-c 1 --steps 60"; else per="-c 4 --steps 40"; fi
args=(--journal "$journal" -f "$work/prompts.txt" -o "$work/out" $per --plain)

t_setup=$SECONDS; kills=0; runs=0
start_worker() { dotnet "$sample" "${args[@]}" --worker-id "w$1" >>"$log" 2>&1 & pids[$1]=$!; runs=$((runs + 1)); }
declare -a pids
for w in $(seq 1 $workers); do start_worker "$w"; done
deadline=$((SECONDS + 150))
while [ $kills -lt "$KILLS" ] && [ $SECONDS -lt $deadline ]; do
  # 0.3 to 1.5 s, in bash (a python start per kill cost up to a second on a loaded machine).
  ms=$((300 + RANDOM % 1201)); sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  w=$(( (RANDOM % workers) + 1 ))
  if kill -0 "${pids[$w]}" 2>/dev/null; then kill -9 "${pids[$w]}" 2>/dev/null && kills=$((kills + 1)); fi
  wait "${pids[$w]}" 2>/dev/null
  start_worker "$w"
done
[ $kills -ge "$KILLS" ] || fail "only $kills kills landed on a live worker in 150 s"
t_kills=$SECONDS
# Then run each worker until it exits 0 (bounded).
for w in $(seq 1 $workers); do
  wait "${pids[$w]}"; code=$?; tries=0
  while [ $code -ne 0 ] && [ $tries -lt 10 ]; do
    dotnet "$sample" "${args[@]}" --worker-id "w$w" >>"$log" 2>&1; code=$?; runs=$((runs + 1)); tries=$((tries + 1))
  done
  [ $code -eq 0 ] || fail "worker w$w did not exit 0 after $tries re-runs"
done

t_finish=$SECONDS
python3 - "$port" "$work/out" "$N" >"$work/check.txt" 2>&1 <<'PY' || fail "$(cat "$work/check.txt")"
import json, os, sys, urllib.request
port, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
reqs = json.load(urllib.request.urlopen(base + "/_emulator/requests"))
reqs = reqs["requests"] if isinstance(reqs, dict) else reqs
prompts, cursor = [], None
while True:
    url = base + "/_api/v1/models/requests/by-endpoint?endpoint_id=fal-ai/fast-sdxl&start=2000-01-01T00:00:00Z&expand=payloads&limit=100" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Key crash-test-key"})))
    prompts += [i["json_input"]["prompt"] for i in page["items"]]
    if not page["has_more"]: break
    cursor = page["next_cursor"]
states = {}
for r in reqs: states[r["state"]] = states.get(r["state"], 0) + 1
pngs = sorted(f for f in os.listdir(out) if f.endswith(".png"))
tmps = [f for f in os.listdir(out) if ".tmp-" in f]
problems = []
if len(reqs) != n: problems.append(f"{len(reqs)} requests on the emulator, not {n}")
if sorted(prompts) != sorted(f"crash prompt {i}" for i in range(1, n + 1)): problems.append(f"prompts listed: {len(prompts)} ({len(set(prompts))} distinct)")
if states.get("queued", 0) or states.get("running", 0): problems.append(f"left on the emulator: {states}")
if len(pngs) != n: problems.append(f"{len(pngs)} images on disk")
if tmps: problems.append(f"{len(tmps)} temporary files")
print("; ".join(problems) if problems else f"{len(reqs)} requests on the emulator ({states}), {len(pngs)} images")
sys.exit(1 if problems else 0)
PY
times="build $t_build s, setup $((t_setup - t_build)) s, kills $((t_kills - t_setup)) s, finish $((t_finish - t_kills)) s, check $((SECONDS - t_finish)) s"
echo "crash $mode: ok ($kills kills, $runs runs, $(cat "$work/check.txt"); $times)"
