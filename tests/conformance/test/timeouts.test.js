// Client timeout (subscribe `timeout`, which cancels) and server start timeout (`startTimeout`, 504).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { directClient, emulatorRequest, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("timeouts", () => {
  test("subscribe `timeout` (client side) rejects and its cancel reaches the emulator: state cancelled", limits, async () => {
    const { fal, calls } = directClient();
    let requestId;
    // Polling mode: in 1.10.1 the streaming-mode timeout throws inside a timer (uncatchable by the caller).
    await assert.rejects(
      fal.subscribe("emulator/slow", {
        input: { queue_seconds: 30, run_seconds: 1 },
        timeout: 1500,
        pollInterval: 100,
        onEnqueue: (id) => (requestId = id),
      }),
      (error) => {
        assert.match(error.message, /Client timed out waiting for the request to complete after 1500ms/);
        return true;
      },
    );
    assert.ok(requestId, "the request was submitted");
    // The client fires the cancel and does not wait for it: poll the emulator's view.
    await waitForState(requestId, "cancelled", { timeoutMs: 3000 });
    assert.ok(
      calls.some((c) => c.method === "PUT" && c.url.endsWith(`/emulator/slow/requests/${requestId}/cancel`)),
      "the client sent PUT .../cancel",
    );
  });

  test("startTimeout on a request stuck in the queue: ApiError 504, isUserTimeout, state failed", limits, async () => {
    const { fal, calls } = directClient();
    let requestId;
    await assert.rejects(
      fal.subscribe("emulator/slow", {
        input: { queue_seconds: 30, run_seconds: 1 },
        startTimeout: 2,
        pollInterval: 100,
        onEnqueue: (id) => (requestId = id),
      }),
      (error) => {
        assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
        assert.equal(error.status, 504);
        assert.equal(error.timeoutType, "user", "x-fal-request-timeout-type: user");
        assert.equal(error.isUserTimeout, true);
        assert.equal(error.requestId, requestId, "x-fal-request-id on the error");
        return true;
      },
    );
    // Not retried: a 504 the client mistook for retryable would fetch the result again.
    const submit = calls.find((c) => c.method === "POST");
    assert.ok(submit, "submitted");
    assert.equal(calls.filter((c) => c.method === "GET" && !c.url.includes("/status")).length, 1, "result fetched once (not retried)");
    assert.equal((await emulatorRequest(requestId))?.state, "failed");
  });

  test("startTimeout does not fire once the request has started", limits, async () => {
    const { fal } = directClient();
    let requestId;
    const result = await fal.subscribe("emulator/slow", {
      input: { queue_seconds: 0, run_seconds: 2.5 },
      startTimeout: 2,
      pollInterval: 100,
      onEnqueue: (id) => (requestId = id),
    });
    assert.equal(result.requestId, requestId);
    assert.equal(result.data.run_seconds, 2.5);
    await waitForState(requestId, "completed", { timeoutMs: 1000 });
  });
});
