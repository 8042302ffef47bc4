// fal.stream with connectionMode "client": the JS client fetches a temporary token (POST /tokens/, with the key, or
// from the app's own tokenProvider) and streams from /_run/{app}/stream?fal_jwt_token=… with no Authorization header,
// as a browser does without the key. This call bypasses requestMiddleware: it uses config.fetch on the fal URL, so the
// client here gets a fetch that maps fal URLs onto the emulator (and records what was sent).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { directClient, EMULATOR_URL, marker, TEST_KEY, toEmulatorUrl, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

// The default token provider warns that it is deprecated; the warning is noise here.
const warn = console.warn;
console.warn = (...args) => (String(args[0]).includes("[fal.stream]") ? undefined : warn(...args));

/** A client whose fetch maps fal URLs onto the emulator; `sent` records {method, url, authorization}. */
function clientModeClient(config = {}) {
  const sent = [];
  const mappingFetch = (input, init = {}) => {
    const url = toEmulatorUrl(String(input));
    const headers = new Headers(init.headers ?? {});
    sent.push({ method: init.method, url, authorization: headers.get("authorization") });
    return fetch(url, init);
  };
  const { fal } = directClient({ fetch: mappingFetch, ...config });
  return { fal, sent };
}

/** What an app's backend does for its browser: mint a token for the app's alias with the key. */
async function backendToken(endpoint) {
  const alias = endpoint.split("/")[1];
  const response = await fetch(`${EMULATOR_URL}/_rest/tokens/`, {
    method: "POST",
    headers: { authorization: `Key ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ allowed_apps: [alias], token_expiration: 120 }),
  });
  assert.equal(response.status, 201, "the backend's token request is accepted");
  return await response.json();
}

async function drain(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return { events, final: await stream.done() };
}

describe("fal.stream in client mode", () => {
  test("default token provider: POST /_rest/tokens/ with the key, then the stream with fal_jwt_token and no key", limits, async () => {
    const { fal, sent } = clientModeClient();
    const prompt = marker("client mode");
    const stream = await fal.stream("fal-ai/any-llm", { input: { prompt }, connectionMode: "client" });
    const { events, final } = await drain(stream);

    assert.equal(sent.length, 2, `a token call, then the stream: ${JSON.stringify(sent)}`);
    assert.equal(sent[0].url, `${EMULATOR_URL}/_rest/tokens/`);
    assert.equal(sent[0].authorization, `Key ${TEST_KEY}`);
    const streamUrl = new URL(sent[1].url);
    assert.equal(`${streamUrl.origin}${streamUrl.pathname}`, `${EMULATOR_URL}/_run/fal-ai/any-llm/stream`);
    assert.ok(streamUrl.searchParams.get("fal_jwt_token"), "the token rides in the query");
    assert.equal(sent[1].authorization, null, "the stream goes without the key");
    assert.ok(events.length >= 2, `partial events and the final one, got ${events.length}`);
    assert.ok(final.output.includes(prompt), `the final output answers the prompt: ${final.output}`);
    assert.ok(stream.requestId, "x-fal-request-id on the stream response");
    await waitForState(stream.requestId, "completed", { timeoutMs: 2000 });
  });

  test("tokenProvider: the app's own backend mints the token; the client holds no key at all", limits, async () => {
    const asked = [];
    const { fal, sent } = clientModeClient({ credentials: undefined });
    const stream = await fal.stream("fal-ai/any-llm", {
      input: { prompt: marker("backend token") },
      connectionMode: "client",
      tokenProvider: (app) => (asked.push(app), backendToken(app)),
    });
    const { final } = await drain(stream);

    assert.deepEqual(asked, ["fal-ai/any-llm/stream"], "the provider is asked for the endpoint with its /stream path");
    assert.equal(sent.length, 1, "only the stream call goes through the client");
    assert.equal(sent[0].authorization, null);
    assert.equal(typeof final.output, "string");
  });

  test("a token the emulator did not issue: done() rejects with the 401 ApiError", limits, async () => {
    const { fal } = clientModeClient();
    const stream = await fal.stream("fal-ai/any-llm", {
      input: { prompt: "refused" },
      connectionMode: "client",
      tokenProvider: async () => "not-a-token-the-emulator-issued",
    });
    await assert.rejects(stream.done(), (error) => {
      assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
      assert.equal(error.status, 401, `status ${error.status}: ${error.message}`);
      return true;
    });
  });

  test("a token for another app: the stream is refused (403)", limits, async () => {
    const { fal } = clientModeClient();
    const stream = await fal.stream("fal-ai/any-llm", {
      input: { prompt: "wrong app" },
      connectionMode: "client",
      tokenProvider: () => backendToken("emulator/echo"),
    });
    await assert.rejects(stream.done(), (error) => {
      assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
      assert.equal(error.status, 403, `status ${error.status}: ${error.message}`);
      return true;
    });
  });
});
