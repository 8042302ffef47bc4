// The queue API one call at a time: fal.queue.submit / status / result / cancel.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { directClient, EMULATOR_URL, emulatorRequest, sleep, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("fal.queue", () => {
  test("submit answers IN_QUEUE with request_id, queue_position and owner/alias URLs on the emulator", limits, async () => {
    const { fal } = directClient();
    const submitted = await fal.queue.submit("emulator/echo", { input: { hello: "queue" } });
    const id = submitted.request_id;
    assert.equal(typeof id, "string");
    assert.ok(id.length > 0);
    assert.equal(submitted.status, "IN_QUEUE");
    assert.equal(typeof submitted.queue_position, "number");
    assert.ok(submitted.queue_position >= 0);
    // Absolute URLs on the emulator origin (a client that uses them verbatim must reach the emulator).
    assert.equal(submitted.response_url, `${EMULATOR_URL}/emulator/echo/requests/${id}`);
    assert.equal(submitted.status_url, `${EMULATOR_URL}/emulator/echo/requests/${id}/status`);
    assert.equal(submitted.cancel_url, `${EMULATOR_URL}/emulator/echo/requests/${id}/cancel`);
    assert.ok(await emulatorRequest(id), "the emulator lists the request");
  });

  test("status (with logs) goes IN_QUEUE/IN_PROGRESS → COMPLETED with cumulative logs; result returns the output", limits, async () => {
    const { fal } = directClient();
    const input = { queue_seconds: 0, run_seconds: 1, logs_per_second: 10 };
    const { request_id: requestId } = await fal.queue.submit("emulator/slow", { input });

    const seen = [];
    let status;
    const deadline = Date.now() + 10_000;
    do {
      status = await fal.queue.status("emulator/slow", { requestId, logs: true });
      seen.push(status);
      if (status.status !== "COMPLETED") await sleep(100);
    } while (status.status !== "COMPLETED" && Date.now() < deadline);

    assert.equal(status.status, "COMPLETED", `statuses: ${seen.map((s) => s.status).join(",")}`);
    const running = seen.filter((s) => s.status === "IN_PROGRESS");
    assert.ok(running.length >= 2, `saw IN_PROGRESS at least twice: ${seen.map((s) => s.status).join(",")}`);
    assert.ok(running.some((s) => s.logs.length > 0), "IN_PROGRESS carried logs");
    assert.ok(Array.isArray(status.logs), "COMPLETED carries logs when asked");
    assert.equal(status.logs.length, 10, `10 log lines for 1 s at 10/s: ${JSON.stringify(status.logs)}`);
    assert.ok(
      running.every((s) => status.logs.slice(0, s.logs.length).every((l, i) => l.message === s.logs[i].message)),
      "each status carried the logs so far, in order",
    );
    for (const s of seen) assert.equal(s.request_id, requestId, "status carries request_id");
    assert.equal(typeof status.metrics?.inference_time, "number", "COMPLETED metrics.inference_time");

    // Without logs=1 the logs are not sent (null), as fal's clients expect.
    const quiet = await fal.queue.status("emulator/slow", { requestId, logs: false });
    assert.equal(quiet.status, "COMPLETED");
    assert.ok(quiet.logs == null || quiet.logs.length === 0, `no logs without logs=1: ${JSON.stringify(quiet.logs)}`);

    const result = await fal.queue.result("emulator/slow", { requestId });
    assert.equal(result.requestId, requestId);
    assert.equal(result.data.run_seconds, 1);
    assert.equal(result.data.logs, 10);
    await waitForState(requestId, "completed", { timeoutMs: 1000 });
  });

  test("result before completion is an ApiError 400", limits, async () => {
    const { fal } = directClient();
    const { request_id: requestId } = await fal.queue.submit("emulator/slow", { input: { queue_seconds: 20 } });
    try {
      await assert.rejects(fal.queue.result("emulator/slow", { requestId }), (error) => {
        assert.ok(error instanceof ApiError, `ApiError, got ${error}`);
        assert.equal(error.status, 400);
        return true;
      });
    } finally {
      await fal.queue.cancel("emulator/slow", { requestId });
    }
  });

  test("cancel of a queued request: the emulator reports it cancelled", limits, async () => {
    const { fal, calls } = directClient();
    // queue_seconds keeps it in the queue for a long time: it cannot start before the cancel.
    const { request_id: requestId } = await fal.queue.submit("emulator/slow", {
      input: { queue_seconds: 30, run_seconds: 1 },
    });
    const before = await fal.queue.status("emulator/slow", { requestId, logs: true });
    assert.equal(before.status, "IN_QUEUE");
    assert.equal(typeof before.queue_position, "number");
    assert.equal((await emulatorRequest(requestId))?.state, "queued");

    await fal.queue.cancel("emulator/slow", { requestId });
    const cancelCall = calls.find((c) => c.method === "PUT");
    assert.equal(cancelCall.url, `${EMULATOR_URL}/emulator/slow/requests/${requestId}/cancel`);
    await waitForState(requestId, "cancelled", { timeoutMs: 1000 });

    // Cancelling again reaches the emulator and does not revive it.
    await fal.queue.cancel("emulator/slow", { requestId }).catch((error) => {
      assert.ok(error instanceof ApiError, `a second cancel answers with an ApiError or OK, got ${error}`);
    });
    assert.equal((await emulatorRequest(requestId))?.state, "cancelled");
  });

  test("an endpoint with a sub-path: submit to the full id, status/result on owner/alias only", async () => {
    const { fal, calls } = directClient();
    const input = { tag: "sub-path" };
    let requestId;
    const result = await fal.subscribe("emulator/echo/some/sub-path", {
      input,
      pollInterval: 100,
      onEnqueue: (id) => (requestId = id),
    });
    assert.deepEqual(result.data, input);
    assert.equal(calls[0].url, `${EMULATOR_URL}/emulator/echo/some/sub-path`);
    assert.ok(
      calls.slice(1).every((c) => c.url.startsWith(`${EMULATOR_URL}/emulator/echo/requests/${requestId}`)),
      `status and result on owner/alias: ${calls.map((c) => c.url).join(" ")}`,
    );
    const record = await emulatorRequest(requestId);
    assert.equal(record.app, "emulator/echo/some/sub-path");
    assert.equal(record.state, "completed");
  });
});
