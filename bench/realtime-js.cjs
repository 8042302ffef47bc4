// The JS side of `dotnet run -c Release --project bench/Fal.Reactive.Bench -- realtime`: @fal-ai/client's
// fal.realtime.connect (throttle off) against the emulator's emulator/echo, round trips one at a time, then a
// burst. Uses the conformance suite's installed packages (npm ci in tests/conformance). Prints one JSON line.
//   node bench/realtime-js.cjs <emulator origin> <round trips> <burst>
const path = require("node:path");
const { createRequire } = require("node:module");

const root = path.resolve(__dirname, "..");
const load = createRequire(path.join(root, "tests", "conformance", "package.json"));
const { createFalClient } = load("@fal-ai/client");
const NodeWebSocket = load("ws");

const [origin, roundTrips = "300", burst = "3000"] = process.argv.slice(2);
const toEmulator = (url) =>
  String(url)
    .replace(/^wss:\/\/fal\.run\//, `${origin.replace(/^http/, "ws")}/_run/`)
    .replace(/^https:\/\/rest\.fal\.ai\//, `${origin}/_rest/`);

globalThis.WebSocket = class extends NodeWebSocket {
  constructor(url, protocols) {
    super(toEmulator(url), protocols);
  }
};
const warn = console.warn;
console.warn = (...args) => (String(args[0]).includes("[fal.realtime]") ? undefined : warn(...args));

const fal = createFalClient({
  credentials: "bench",
  requestMiddleware: async (request) => ({ ...request, url: toEmulator(request.url) }),
});
const pending = new Map();
const connection = fal.realtime.connect("emulator/echo", {
  throttleInterval: 0,
  onResult: (result) => {
    const done = pending.get(result.request_id);
    if (done) {
      pending.delete(result.request_id);
      done();
    }
  },
  onError: (error) => {
    console.error(error);
    process.exit(1);
  },
});
let next = 0;
const send = () =>
  new Promise((resolve) => {
    const id = `js-${next++}`;
    pending.set(id, resolve);
    connection.send({ prompt: "a lighthouse", request_id: id });
  });

(async () => {
  for (let i = 0; i < 200; i++) await send(); // connect and warm up
  const rtts = [];
  for (let i = 0; i < Number(roundTrips); i++) {
    const start = process.hrtime.bigint();
    await send();
    rtts.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  rtts.sort((a, b) => a - b);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Number(burst) }, send));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ p50_ms: rtts[Math.floor(rtts.length / 2)], messages_per_second: Number(burst) / seconds }));
  connection.close();
  process.exit(0);
})();
