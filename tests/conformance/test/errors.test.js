// Errors as the official client surfaces them: 422 validation, 401 without credentials, app
// failures, and a transient failure the client retries.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError, ValidationError } from "@fal-ai/client";
import { directClient, EMULATOR_URL, emulatorRequest, marker, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

function assertPromptValidationError(error) {
  assert.ok(error instanceof ValidationError, `ValidationError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.status, 422);
  const promptErrors = error.getFieldErrors("prompt");
  assert.equal(promptErrors.length, 1, `one error for prompt in ${JSON.stringify(error.fieldErrors)}`);
  assert.deepEqual(promptErrors[0].loc, ["body", "prompt"]);
  assert.equal(typeof promptErrors[0].msg, "string");
  assert.equal(typeof promptErrors[0].type, "string");
  return true;
}

describe("errors", () => {
  test("422: subscribe to fast-sdxl without prompt rejects with ValidationError naming prompt; state failed", limits, async () => {
    const { fal } = directClient();
    let requestId;
    await assert.rejects(
      fal.subscribe("fal-ai/fast-sdxl", {
        input: { num_inference_steps: 2 },
        pollInterval: 100,
        onEnqueue: (id) => (requestId = id),
      }),
      assertPromptValidationError,
    );
    assert.ok(requestId, "the request was queued; the error came with its result");
    await waitForState(requestId, "failed", { timeoutMs: 1000 });
  });

  test("422: run fast-sdxl without prompt rejects with ValidationError naming prompt", limits, async () => {
    const { fal } = directClient();
    await assert.rejects(fal.run("fal-ai/fast-sdxl", { input: { num_inference_steps: 2 } }), assertPromptValidationError);
  });

  test("401: a request without credentials is an ApiError 401 with a detail (run and submit)", limits, async () => {
    const { fal, calls } = directClient({ credentials: "" });
    for (const call of [
      () => fal.run("emulator/echo", { input: { a: 1 } }),
      () => fal.queue.submit("emulator/echo", { input: { a: 1 } }),
    ]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
        assert.equal(error.status, 401);
        assert.equal(typeof error.body?.detail, "string", `detail in ${JSON.stringify(error.body)}`);
        return true;
      });
    }
    assert.equal(calls.length, 2, "401 is not retried");
  });

  test("a wrong scheme (Bearer instead of Key) is also 401", limits, async () => {
    const response = await fetch(`${EMULATOR_URL}/emulator/echo`, {
      method: "POST",
      headers: { Authorization: "Bearer nope", "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(response.status, 401);
    assert.equal(typeof (await response.json()).detail, "string");
  });

  test("emulator/fail: subscribe rejects with the app's status and detail; status is COMPLETED with error", limits, async () => {
    const { fal } = directClient();
    const detail = marker("boom");
    let requestId;
    await assert.rejects(
      fal.subscribe("emulator/fail", {
        input: { status: 500, detail, error_type: "conformance_error", after_seconds: 0.2 },
        pollInterval: 100,
        onEnqueue: (id) => (requestId = id),
      }),
      (error) => {
        assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
        assert.equal(error.status, 500);
        assert.equal(error.body?.detail, detail);
        assert.equal(error.requestId, requestId);
        return true;
      },
    );
    const status = await fal.queue.status("emulator/fail", { requestId, logs: false });
    assert.equal(status.status, "COMPLETED");
    assert.equal(typeof status.error, "string", `error in ${JSON.stringify(status)}`);
    assert.equal(status.error_type, "conformance_error");
    assert.equal((await emulatorRequest(requestId))?.state, "failed");
  });

  test("emulator/flaky: a 503 on submit is retried by the client, then the request completes", limits, async () => {
    const { fal, calls } = directClient();
    const input = { fail_on: "submit", failures: 1, status: 503, tag: marker("flaky") };
    const result = await fal.subscribe("emulator/flaky", { input, pollInterval: 100 });
    assert.equal(result.data.tag, input.tag, `output echoes the input: ${JSON.stringify(result.data)}`);
    const posts = calls.filter((c) => c.method === "POST");
    assert.equal(posts.length, 2, "one failed submit, one retry");
    await waitForState(result.requestId, "completed", { timeoutMs: 1000 });
  });
});
