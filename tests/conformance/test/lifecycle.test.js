// The life of queue requests beyond the happy path: positions behind busy workers, priority and hint,
// cancel in each state, aborted direct calls, webhooks, failing streams.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { directClient, EMULATOR_URL, emulatorRequest, marker, sleep, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("request life cycle", () => {
  test("behind busy workers: queue positions, low priority, hint, cancel queued and running", async () => {
    const { fal } = directClient();
    const app = "emulator/slow";
    const cancel = (requestId) => fal.queue.cancel(app, { requestId }).catch(() => {});
    const submitted = [];
    try {
      // Fill every worker: submit blockers until one has to wait in the queue.
      let firstQueued;
      for (let i = 0; i < 32 && !firstQueued; i++) {
        const { request_id: id } = await fal.queue.submit(app, { input: { run_seconds: 15 } });
        submitted.push(id);
        const status = await fal.queue.status(app, { requestId: id });
        if (status.status === "IN_QUEUE") firstQueued = { id, position: status.queue_position };
      }
      assert.ok(firstQueued, "a request waited in the queue once the workers were busy");
      const running = submitted.slice(0, -1);
      assert.ok(running.length >= 1, "at least one worker");
      for (const id of running) assert.equal((await emulatorRequest(id))?.state, "running");

      // A low-priority request waits behind a normal one submitted after it.
      const { request_id: low } = await fal.queue.submit(app, {
        input: { run_seconds: 0.1 },
        priority: "low",
        hint: "lora:conformance",
      });
      submitted.push(low);
      const { request_id: normal } = await fal.queue.submit(app, { input: { run_seconds: 1 } });
      submitted.push(normal);
      const lowStatus = await fal.queue.status(app, { requestId: low });
      const normalStatus = await fal.queue.status(app, { requestId: normal });
      assert.equal(lowStatus.status, "IN_QUEUE");
      assert.equal(normalStatus.status, "IN_QUEUE");
      assert.equal(normalStatus.queue_position, firstQueued.position + 1, "normal goes right behind the first queued");
      assert.equal(lowStatus.queue_position, firstQueued.position + 2, "low priority goes behind normal");
      const lowRecord = await emulatorRequest(low);
      assert.equal(lowRecord.priority, "low", "X-Fal-Queue-Priority reached the emulator");
      assert.equal(lowRecord.hint, "lora:conformance", "X-Fal-Runner-Hint reached the emulator");

      // Cancelling the first queued request moves the others up.
      await fal.queue.cancel(app, { requestId: firstQueued.id });
      await waitForState(firstQueued.id, "cancelled", { timeoutMs: 1000 });
      assert.equal((await fal.queue.status(app, { requestId: normal })).queue_position, firstQueued.position);

      // Cancelling a running request: cancelled, its result is the 499 of a cancelled request.
      await fal.queue.cancel(app, { requestId: running[0] });
      await waitForState(running[0], "cancelled", { timeoutMs: 1000 });
      const done = await fal.queue.status(app, { requestId: running[0] });
      assert.equal(done.status, "COMPLETED");
      await assert.rejects(fal.queue.result(app, { requestId: running[0] }), (error) => {
        assert.ok(error instanceof ApiError, `ApiError, got ${error}`);
        assert.equal(error.status, 499);
        return true;
      });
      // The freed worker takes the head of the queue: the normal request, not the low one.
      await waitForState(normal, "running", { timeoutMs: 1000 });
      assert.equal((await emulatorRequest(low))?.state, "queued");
    } finally {
      for (const id of submitted) await cancel(id);
    }
    for (const id of submitted) {
      const state = (await emulatorRequest(id))?.state;
      assert.ok(["cancelled", "completed"].includes(state), `${id} left nothing running (${state})`);
    }
  });

  test("a direct run whose caller aborts is cancelled on the emulator", async () => {
    const { fal } = directClient();
    const controller = new AbortController();
    const tag = marker("abort");
    const running = fal.run("emulator/slow", { input: { run_seconds: 10, tag }, abortSignal: controller.signal });
    await sleep(300);
    controller.abort();
    await assert.rejects(running, (error) => error.name === "AbortError");
    // The run is found by its app and state; it is the only running direct run of emulator/slow.
    let record;
    for (let i = 0; i < 40 && record?.state !== "cancelled"; i++) {
      await sleep(50);
      record = (await fetch(`${EMULATOR_URL}/_emulator/requests`).then((r) => r.json()))
        .filter((r) => r.app === "emulator/slow" && r.kind === "run")
        .at(-1);
    }
    assert.equal(record?.state, "cancelled", `the abandoned run: ${JSON.stringify(record)}`);
  });

  test("stream.abort() stops the streamed run on the emulator", async () => {
    const { fal } = directClient();
    const stream = await fal.stream("fal-ai/any-llm", { input: { prompt: "a long answer ".repeat(20) } });
    let first;
    for await (const event of stream) {
      first = event;
      break;
    }
    assert.equal(first?.partial, true);
    stream.abort();
    const partial = await stream.done();
    assert.equal(partial.partial, true, "done() after abort gives the last partial");
    await waitForState(stream.requestId, "cancelled", { timeoutMs: 2000 });
  });

  test("fal.stream on a failing app: done() rejects with the app's ApiError", async () => {
    const { fal } = directClient();
    const stream = await fal.stream("emulator/fail", { input: { status: 503, detail: "stream broke", after_seconds: 0.1 } });
    await assert.rejects(stream.done(), (error) => {
      assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}: ${error?.message}`);
      assert.equal(error.status, 503);
      assert.equal(error.body?.detail, "stream broke");
      return true;
    });
  });

  test("webhookUrl: the submit carries fal_webhook and the emulator records the completion webhook", async () => {
    const { fal, calls } = directClient();
    const hook = `http://127.0.0.1:9/${marker("hook")}`;
    const input = { tag: marker("webhook") };
    const { request_id: requestId } = await fal.queue.submit("emulator/echo", { input, webhookUrl: hook });
    assert.equal(calls[0].url, `${EMULATOR_URL}/emulator/echo?fal_webhook=${encodeURIComponent(hook)}`);
    await waitForState(requestId, "completed", { timeoutMs: 2000 });
    let delivery;
    for (let i = 0; i < 40 && !delivery; i++) {
      const webhooks = await fetch(`${EMULATOR_URL}/_emulator/webhooks`).then((r) => r.json());
      delivery = webhooks.find((w) => w.url === hook);
      if (!delivery) await sleep(50);
    }
    assert.ok(delivery, "a webhook was recorded for the URL");
    assert.equal(delivery.body.request_id, requestId);
    assert.equal(delivery.body.status, "OK");
    assert.deepEqual(delivery.body.payload, input);
  });

  test("subscribe in streaming mode to a request that finishes before the stream opens", async () => {
    const { fal } = directClient();
    const updates = [];
    const input = { tag: marker("fast"), run_seconds: 0 };
    let requestId;
    const result = await fal.subscribe("emulator/echo", {
      input,
      mode: "streaming",
      onEnqueue: (id) => (requestId = id),
      onQueueUpdate: (u) => updates.push(u.status),
    });
    assert.deepEqual(result.data, input);
    assert.equal(updates.at(-1), "COMPLETED", `the stream ends with COMPLETED: ${updates.join(",")}`);
    await waitForState(requestId, "completed", { timeoutMs: 1000 });
  });
});
