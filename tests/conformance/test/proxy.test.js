// Proxy mode: `proxyUrl: { url, when: "always" }` sends every call to one URL with the real fal URL
// in `x-fal-target-url`; the emulator serves it as if it had been sent to that URL.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { download, EMULATOR_URL, marker, PNG_SIGNATURE, proxyClient, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

const PROXY = `${EMULATOR_URL}/_proxy`;

describe("through the proxy (x-fal-target-url)", () => {
  test("subscribe on fast-sdxl (polling, logs): images, IN_PROGRESS logs, PNG, state completed", limits, async () => {
    const { fal, calls } = proxyClient();
    const updates = [];
    let requestId;
    const result = await fal.subscribe("fal-ai/fast-sdxl", {
      input: { prompt: marker("a proxy"), num_inference_steps: 15 },
      logs: true,
      pollInterval: 100,
      onEnqueue: (id) => (requestId = id),
      onQueueUpdate: (u) => updates.push(u),
    });
    assert.equal(result.requestId, requestId);
    assert.ok(result.data.images.length >= 1);
    assert.ok(updates.some((u) => u.status === "IN_PROGRESS" && u.logs?.length > 0), "IN_PROGRESS with logs");
    const { bytes } = await download(result.data.images[0].url);
    assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);

    // Every fal call went to the proxy URL, carrying the real fal URL.
    const falCalls = calls.filter((c) => c.target);
    assert.equal(falCalls.length, calls.length, "every client call went through the proxy");
    assert.ok(falCalls.every((c) => c.url === PROXY));
    assert.equal(falCalls[0].target, "https://queue.fal.run/fal-ai/fast-sdxl");
    assert.ok(falCalls.some((c) => c.target === `https://queue.fal.run/fal-ai/fast-sdxl/requests/${requestId}`));
    await waitForState(requestId, "completed", { timeoutMs: 1000 });
  });

  test("queue submit/cancel: a queued request is cancelled", limits, async () => {
    const { fal } = proxyClient();
    const { request_id: requestId } = await fal.queue.submit("emulator/slow", { input: { queue_seconds: 30 } });
    assert.equal((await fal.queue.status("emulator/slow", { requestId })).status, "IN_QUEUE");
    await fal.queue.cancel("emulator/slow", { requestId });
    await waitForState(requestId, "cancelled", { timeoutMs: 1000 });
  });

  test("fal.run (run host target) returns the output", limits, async () => {
    const { fal, calls } = proxyClient();
    const input = { via: "proxy", id: marker("run") };
    const result = await fal.run("emulator/echo", { input });
    assert.deepEqual(result.data, input);
    assert.equal(calls[0].target, "https://fal.run/emulator/echo");
  });

  test("fal.stream (run host /stream target) sends partials then the final output", limits, async () => {
    const { fal } = proxyClient();
    const stream = await fal.stream("fal-ai/any-llm", { input: { prompt: "proxy stream" } });
    const events = [];
    for await (const event of stream) events.push(event);
    const final = await stream.done();
    assert.ok(events.length >= 3, `several events, got ${events.length}`);
    assert.ok(events.slice(0, -1).every((e) => e.partial === true));
    assert.notEqual(final.partial, true);
    assert.match(final.output, /proxy stream/);
  });

  test("fal.storage.upload (rest host target): the file URL serves the bytes", limits, async () => {
    const { fal, calls } = proxyClient();
    const payload = randomBytes(10_000);
    const url = await fal.storage.upload(new Blob([payload], { type: "application/octet-stream" }));
    assert.equal(calls[0].target, "https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3");
    const { response, bytes } = await download(url);
    assert.equal(response.status, 200, `GET ${url}`);
    assert.ok(Buffer.from(bytes).equals(payload));
  });

  test("without credentials: ApiError 401", limits, async () => {
    const { fal } = proxyClient({ credentials: "" });
    await assert.rejects(fal.run("emulator/echo", { input: { a: 1 } }), (error) => {
      assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
      assert.equal(error.status, 401);
      return true;
    });
  });
});
