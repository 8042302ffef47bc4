// The @fal-ai/client side of `dotnet run -c Release --project bench/Fal.Reactive.Bench -- sidebyside N`:
// N concurrent fal.subscribe calls (polling mode, same poll interval) against the emulator, pointed at it the way
// tests/conformance/lib/emulator.js does (requestMiddleware). Uses the conformance suite's pinned packages
// (npm ci --prefix tests/conformance). Prints one JSON line like the .NET sides (SideBySideWorker.cs).
//   node bench/sidebyside-js.cjs <emulator origin> <N> <poll interval ms>
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const load = createRequire(path.join(path.resolve(__dirname, ".."), "tests", "conformance", "package.json"));
const { createFalClient } = load("@fal-ai/client");

const [origin, count = "1000", interval = "100"] = process.argv.slice(2);
const FAL_HOST = /^https:\/\/(queue\.|rest\.)?fal\.(run|ai)(?=[/?]|$)/;
const toEmulator = (url) => {
  const match = FAL_HOST.exec(url);
  if (!match) return url;
  const prefix = match[1] === "queue." ? "" : match[1] === "rest." ? "/_rest" : "/_run";
  return origin + prefix + url.slice(match[0].length);
};
let calls = 0;
const fal = createFalClient({
  credentials: "bench",
  fetch: (input, init) => {
    calls++;
    return fetch(input, init);
  },
  requestMiddleware: async (request) => ({ ...request, url: toEmulator(request.url) }),
});
const proc = () => {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)[1]);
  return { rss: field("VmRSS"), peak: field("VmHWM"), threads: field("Threads") };
};
const nowMs = () => performance.timeOrigin + performance.now();

const run = (n, notices) =>
  Promise.all(
    Array.from({ length: n }, () => {
      let id;
      return fal.subscribe("emulator/slow", {
        input: { run_seconds: 0.3 },
        mode: "polling",
        pollInterval: Number(interval),
        onEnqueue: (requestId) => (id = requestId),
        onQueueUpdate: (update) => {
          if (notices && update.status === "COMPLETED" && !(id in notices)) notices[id] = nowMs();
        },
      });
    }),
  );

(async () => {
  await run(50, null); // warm up
  global.gc?.();
  const before = proc();
  const cpu = process.cpuUsage();
  const callsBefore = calls;
  let threads = 0;
  // A sample may find no file descriptor left (one socket per request at N = 10,000): skip it, keep the run.
  const sampler = setInterval(() => {
    try {
      threads = Math.max(threads, proc().threads);
    } catch {}
  }, 100);
  const notices = {};
  const start = performance.now();
  await run(Number(count), notices);
  const wall = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  const after = proc();
  // writeSync: console.log to a pipe is asynchronous and process.exit would cut a long line short.
  fs.writeSync(
    1,
    JSON.stringify({
      side: "js",
      wall_s: wall,
      cpu_s: (used.user + used.system) / 1e6,
      rss_before_kb: before.rss,
      peak_rss_kb: after.peak,
      threads: Math.max(threads, after.threads),
      calls: calls - callsBefore,
      notices,
    }) + "\n",
  );
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
