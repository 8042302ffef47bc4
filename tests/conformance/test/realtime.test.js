// fal.realtime.connect of the official client against the emulator's realtime WebSocket.
// Node 20 has no global WebSocket: the `ws` package stands in, through a subclass that points the
// client's hard-coded wss://fal.run URL at the emulator (the suite's usual URL rewriting).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import NodeWebSocket from "ws";
import { directClient, download, PNG_SIGNATURE, TEST_KEY, toEmulatorWebSocketUrl } from "../lib/emulator.js";

const opened = [];

class EmulatorWebSocket extends NodeWebSocket {
  constructor(url, protocols) {
    opened.push(String(url));
    super(toEmulatorWebSocketUrl(url), protocols);
  }
}

globalThis.WebSocket = EmulatorWebSocket;

// The default token provider warns that it is deprecated; the warning is noise here.
const warn = console.warn;
console.warn = (...args) => (String(args[0]).includes("[fal.realtime]") ? undefined : warn(...args));

const TIMEOUT_MS = 10_000;

/** Connects with throttling off; results and errors go to arrays, and `next(n)` waits for n results. */
function connect(fal, app, options = {}) {
  const results = [];
  const errors = [];
  let waiters = [];
  const notify = () => {
    waiters = waiters.filter((w) => (results.length >= w.count || errors.length > 0 ? (w.resolve(), false) : true));
  };
  const connection = fal.realtime.connect(app, {
    throttleInterval: 0,
    ...options,
    onResult: (result) => {
      results.push(result);
      notify();
    },
    onError: (error) => {
      errors.push(error);
      notify();
    },
  });
  const next = (count) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} result(s) within ${TIMEOUT_MS} ms, got ${results.length}`)), TIMEOUT_MS);
      waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      notify();
    });
  return { connection, results, errors, next };
}

describe("fal.realtime", () => {
  test("connect fetches a token from /_rest/tokens/ and echoes inputs with their request ids", async () => {
    const { fal, calls } = directClient();
    const rt = connect(fal, "emulator/echo");
    try {
      rt.connection.send({ prompt: "first", request_id: "r-0" });
      await rt.next(1);
      for (let i = 1; i <= 10; i++) rt.connection.send({ prompt: `p${i}`, request_id: `r-${i}` });
      await rt.next(11);

      assert.deepEqual(rt.errors, []);
      assert.deepEqual(rt.results.map((r) => r.request_id), Array.from({ length: 11 }, (_, i) => `r-${i}`));
      assert.equal(rt.results[5].prompt, "p5");
      const tokenCalls = calls.filter((c) => c.target === "https://rest.fal.ai/tokens/");
      assert.equal(tokenCalls.length, 1);
      assert.equal(tokenCalls[0].method, "POST");
      const url = new URL(opened.at(-1));
      assert.equal(`${url.protocol}//${url.host}${url.pathname}`, "wss://fal.run/emulator/echo/realtime");
      assert.ok(url.searchParams.get("fal_jwt_token"), "the token is in the URL");
      assert.ok(!opened.at(-1).includes(TEST_KEY), "the key is not");
    } finally {
      rt.connection.close();
    }
  });

  test("the image app answers a prompt with a PNG the emulator serves", async () => {
    const { fal } = directClient();
    const rt = connect(fal, "fal-ai/fast-lcm-diffusion", { maxBuffering: 2 });
    try {
      rt.connection.send({ prompt: "a lighthouse at dusk", request_id: "img" });
      await rt.next(1);

      assert.deepEqual(rt.errors, []);
      assert.equal(rt.results[0].request_id, "img");
      assert.match(opened.at(-1), /[?&]max_buffering=2(&|$)/);
      const { response, bytes } = await download(rt.results[0].images[0].url);
      assert.equal(response.status, 200);
      assert.deepEqual([...bytes.slice(0, 8)], PNG_SIGNATURE);
    } finally {
      rt.connection.close();
    }
  });

  // fal's realtime template: an exception in the app is {"type":"x-fal-error","error":"INTERNAL_ERROR","reason":str(exc)}
  // as JSON text, then a normal close (which fal-js reports to nobody: one error in all).
  test("an app error frame (x-fal-error, text) reaches onError as INTERNAL_ERROR with the app's reason", async () => {
    const { fal } = directClient();
    const rt = connect(fal, "fal-ai/fast-lcm-diffusion");
    try {
      rt.connection.send({ negative_prompt: "no prompt at all", request_id: "bad" });
      await rt.next(1);

      assert.equal(rt.results.length, 0);
      assert.equal(rt.errors.length, 1);
      assert.match(rt.errors[0].message, /^INTERNAL_ERROR: field required: prompt/);
    } finally {
      rt.connection.close();
    }
  });
});
