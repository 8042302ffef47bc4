// Shared helpers: where the emulator is, how to point the official client at it, and how to read
// the emulator's own view of the requests (GET /_emulator/requests).
import { createFalClient } from "@fal-ai/client";

/** The emulator origin, e.g. http://127.0.0.1:8765 (no trailing slash). */
export const EMULATOR_URL = (process.env.FAL_EMULATOR_URL ?? "http://127.0.0.1:8765").replace(/\/+$/, "");

/** Any non-empty key: the emulator accepts every key by default. Never a real FAL_KEY. */
export const TEST_KEY = "conformance-test-key";

const FAL_HOST = /^https:\/\/(queue\.|rest\.)?fal\.(run|ai)(?=[/?]|$)/;

/**
 * Maps a fal URL onto the emulator's single origin: queue host at the root, run host under /_run,
 * rest host under /_rest. Other URLs (the emulator's own file and upload URLs) are left alone.
 */
export function toEmulatorUrl(url, origin = EMULATOR_URL) {
  const match = FAL_HOST.exec(url);
  if (!match) return url;
  const prefix = match[1] === "queue." ? "" : match[1] === "rest." ? "/_rest" : "/_run";
  return origin + prefix + url.slice(match[0].length);
}

/**
 * A client pointed at the emulator through `requestMiddleware`. `calls` records every request the
 * client made ({method, url (as sent), target (the fal URL the client meant)}).
 */
export function directClient(config = {}) {
  const calls = [];
  const client = createFalClient({
    credentials: TEST_KEY,
    ...config,
    requestMiddleware: async (request) => {
      const url = toEmulatorUrl(request.url);
      calls.push({ method: request.method, url, target: request.url });
      return { ...request, url };
    },
  });
  return { fal: client, calls };
}

/**
 * A client pointed at the emulator through fal's proxy mode: every request goes to {origin}/_proxy
 * with the real fal URL in `x-fal-target-url`. `calls` records what the client sent.
 */
export function proxyClient(config = {}) {
  const calls = [];
  const recordingFetch = (input, init = {}) => {
    const headers = init.headers ?? {};
    calls.push({ method: init.method, url: String(input), target: headers["x-fal-target-url"] });
    return fetch(input, init);
  };
  const client = createFalClient({
    credentials: TEST_KEY,
    ...config,
    fetch: recordingFetch,
    proxyUrl: { url: `${EMULATOR_URL}/_proxy`, when: "always" },
  });
  return { fal: client, calls };
}

/** GET /_emulator/requests: the emulator's list of every request it has seen. */
export async function emulatorRequests() {
  const response = await fetch(`${EMULATOR_URL}/_emulator/requests`, {
    headers: { Authorization: `Key ${TEST_KEY}`, Accept: "application/json" },
  });
  if (!response.ok) {
    throw new Error(`GET /_emulator/requests answered ${response.status}: ${await response.text()}`);
  }
  const body = await response.json();
  if (!Array.isArray(body)) {
    throw new Error(`GET /_emulator/requests: expected a JSON list, got ${JSON.stringify(body).slice(0, 200)}`);
  }
  return body;
}

/** The emulator's record of one request (or undefined). */
export async function emulatorRequest(requestId) {
  return (await emulatorRequests()).find((r) => r.request_id === requestId);
}

/**
 * Waits (bounded) until the emulator reports `state` for the request; returns its record.
 * Fails with the last record seen.
 */
export async function waitForState(requestId, state, { timeoutMs = 5000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await emulatorRequest(requestId);
    if (last?.state === state) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `request ${requestId}: expected state '${state}' within ${timeoutMs} ms, last seen ${JSON.stringify(last)}`,
      );
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Downloads a URL without credentials (files are public, like fal's CDN); returns {response, bytes}. */
export async function download(url) {
  const response = await fetch(url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes };
}

/** A short unique marker, so a test can find its own request among those of other tests. */
export function marker(label) {
  return `${label}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The realtime WebSocket URL the client built (wss://fal.run/{app}/realtime?...) mapped onto the emulator:
 * ws://{origin}/_run/{app}/realtime?... — the same rewriting as toEmulatorUrl, with the ws schemes.
 */
export function toEmulatorWebSocketUrl(url, origin = EMULATOR_URL) {
  const http = String(url).replace(/^ws(s?):\/\//, "http$1://");
  return toEmulatorUrl(http, origin).replace(/^http(s?):\/\//, "ws$1://");
}
