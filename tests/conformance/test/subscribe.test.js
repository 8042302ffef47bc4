// fal.subscribe on fal-ai/fast-sdxl: submit, wait (polling or the SSE status stream), fetch the result.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { directClient, download, marker, PNG_SIGNATURE, waitForState, EMULATOR_URL } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

async function subscribeFastSdxl(mode) {
  const { fal, calls } = directClient();
  const prompt = marker(`a lighthouse at dusk (${mode})`);
  const updates = [];
  let enqueuedId;
  const options = {
    input: { prompt, num_inference_steps: 25 },
    logs: true,
    onEnqueue: (id) => (enqueuedId = id),
    onQueueUpdate: (update) => updates.push(structuredClone(update)),
  };
  if (mode === "streaming") options.mode = "streaming";
  else options.pollInterval = 100;

  const result = await fal.subscribe("fal-ai/fast-sdxl", options);
  return { result, updates, enqueuedId, prompt, calls };
}

async function assertFastSdxlRun({ result, updates, enqueuedId, prompt }) {
  // The result: fast-sdxl's output shape, for the request that was enqueued.
  assert.ok(enqueuedId, "onEnqueue received a request id");
  assert.equal(result.requestId, enqueuedId, "result.requestId (x-fal-request-id) is the submitted request");
  const { data } = result;
  assert.ok(Array.isArray(data.images) && data.images.length >= 1, `images[] in ${JSON.stringify(data)}`);
  assert.equal(typeof data.images[0].url, "string");
  assert.equal(typeof data.seed, "number", "seed is a number");
  assert.equal(typeof data.timings, "object", "timings present");
  assert.equal(data.prompt ?? prompt, prompt);

  // The updates: in progress with logs, then completed.
  const inProgress = updates.filter((u) => u.status === "IN_PROGRESS");
  assert.ok(inProgress.length >= 1, `saw IN_PROGRESS among ${updates.map((u) => u.status).join(",")}`);
  const withLogs = inProgress.find((u) => Array.isArray(u.logs) && u.logs.length > 0);
  assert.ok(withLogs, `an IN_PROGRESS update carried logs: ${JSON.stringify(inProgress)}`);
  for (const log of withLogs.logs) {
    assert.equal(typeof log.message, "string", "log.message is a string");
    assert.equal(typeof log.timestamp, "string", "log.timestamp is a string");
  }
  assert.equal(updates.at(-1).status, "COMPLETED", "the last update is COMPLETED");
  const statuses = updates.map((u) => u.status);
  assert.ok(
    statuses.lastIndexOf("IN_QUEUE") < statuses.indexOf("IN_PROGRESS"),
    `no IN_QUEUE after IN_PROGRESS: ${statuses.join(",")}`,
  );

  // The image is a real PNG, served without credentials.
  const { response, bytes } = await download(data.images[0].url);
  assert.equal(response.status, 200, `GET ${data.images[0].url}`);
  assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, "the image starts with the PNG signature");

  // The emulator's view agrees.
  await waitForState(enqueuedId, "completed", { timeoutMs: 2000 });
}

describe("fal.subscribe on fal-ai/fast-sdxl", () => {
  test("polling mode (pollInterval 100 ms) with logs: images, IN_PROGRESS logs, PNG download, state completed", limits, async () => {
    const run = await subscribeFastSdxl("polling");
    await assertFastSdxlRun(run);
    // Polling: GET .../status?logs=1 on owner/alias, then GET .../requests/{id}.
    const statusCalls = run.calls.filter((c) => c.method === "GET" && c.url.includes("/status"));
    assert.ok(statusCalls.length >= 2, "polled status more than once");
    assert.ok(statusCalls.every((c) => c.url.startsWith(`${EMULATOR_URL}/fal-ai/fast-sdxl/requests/`) && c.url.endsWith("/status?logs=1")));
    // Polling answers carry every log so far (protocol §4): each update's logs extend the previous ones.
    let previous = [];
    for (const update of run.updates.filter((u) => Array.isArray(u.logs))) {
      assert.deepEqual(update.logs.slice(0, previous.length), previous, "polled logs are cumulative");
      previous = update.logs;
    }
  });

  test("streaming mode (SSE status stream) with logs: images, IN_PROGRESS logs, PNG download, state completed", limits, async () => {
    const run = await subscribeFastSdxl("streaming");
    await assertFastSdxlRun(run);
    assert.ok(
      run.calls.some((c) => c.method === "GET" && c.url.includes(`/requests/${run.enqueuedId}/status/stream`)),
      "used GET .../status/stream",
    );
    assert.ok(!run.calls.some((c) => c.url.includes("/status?")), "did not poll");
    // The JS client appends each event's logs to what it already has ("to match previous polling
    // behavior"), so the stream must send each log entry once: no duplicates in what the user sees.
    const seen = run.updates.at(-1).logs ?? [];
    const keys = seen.map((l) => `${l.timestamp}|${l.message}`);
    assert.ok(seen.length >= 1, "logs were reported");
    assert.equal(new Set(keys).size, keys.length, `each log entry reported once: ${JSON.stringify(keys)}`);
  });
});
