// The run host: fal.run (direct, synchronous) and fal.stream (SSE partial outputs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { directClient, download, EMULATOR_URL, marker, PNG_SIGNATURE, waitForState } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("run host", () => {
  test("fal.run on emulator/echo returns the input, via POST /_run/emulator/echo", limits, async () => {
    const { fal, calls } = directClient();
    const input = { text: marker("echo"), n: 42, nested: { list: [1, "two", null, true] } };
    const result = await fal.run("emulator/echo", { input });
    assert.deepEqual(result.data, input);
    assert.equal(calls.length, 1, "one call, no queue");
    assert.equal(calls[0].method, "POST");
    assert.equal(calls[0].url, `${EMULATOR_URL}/_run/emulator/echo`);
    assert.ok(result.requestId, "x-fal-request-id on the run answer");
    await waitForState(result.requestId, "completed", { timeoutMs: 1000 });
  });

  test("fal.run on fal-ai/fast-sdxl returns images with downloadable PNGs", limits, async () => {
    const { fal } = directClient();
    const result = await fal.run("fal-ai/fast-sdxl", {
      input: { prompt: marker("a red fox"), num_inference_steps: 4, num_images: 2 },
    });
    assert.equal(result.data.images.length, 2);
    for (const image of result.data.images) {
      const { response, bytes } = await download(image.url);
      assert.equal(response.status, 200);
      assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);
    }
  });

  test("fal.stream on fal-ai/any-llm: several growing partial events, then done() gives the final output", limits, async () => {
    const { fal, calls } = directClient();
    const prompt = marker("why is the sky blue?");
    const stream = await fal.stream("fal-ai/any-llm", { input: { prompt } });
    const events = [];
    for await (const event of stream) events.push(event);
    const final = await stream.done();

    assert.equal(calls[0].url, `${EMULATOR_URL}/_run/fal-ai/any-llm/stream`);
    assert.ok(events.length >= 3, `several events, got ${events.length}`);
    const partials = events.slice(0, -1);
    assert.ok(partials.length >= 2, "at least two partial events before the final one");
    for (const p of partials) {
      assert.equal(typeof p.output, "string");
      assert.equal(p.partial, true, `partial event: ${JSON.stringify(p)}`);
    }
    for (let i = 1; i < partials.length; i++) {
      assert.ok(partials[i].output.startsWith(partials[i - 1].output), "partial outputs grow");
      assert.ok(partials[i].output.length > partials[i - 1].output.length, "partial outputs grow");
    }
    assert.equal(typeof final.output, "string");
    assert.ok(final.output.includes(prompt), `the answer mentions the prompt: ${final.output}`);
    assert.notEqual(final.partial, true, "the final event is not partial");
    assert.deepEqual(events.at(-1), final, "done() resolves with the last event");
    assert.ok(final.output.startsWith(partials.at(-1).output), "the final output extends the partials");
    assert.ok(stream.requestId, "x-fal-request-id on the stream response");
    await waitForState(stream.requestId, "completed", { timeoutMs: 1000 });
  });
});
