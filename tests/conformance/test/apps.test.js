// The built-in apps take the inputs fal documents, as the official client's examples send them:
// fast-sdxl text-to-image and image-to-image (an image URL or a data URI), any-llm with its model.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "@fal-ai/client";
import { directClient, download, PNG_SIGNATURE } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("built-in apps follow fal's schemas", () => {
  test("fast-sdxl: image_size preset and {width, height} give fal's sizes (square_hd by default)", limits, async () => {
    const { fal } = directClient();
    const preset = await fal.run("fal-ai/fast-sdxl", { input: { prompt: "a bay", image_size: "landscape_4_3", num_inference_steps: 1 } });
    const custom = await fal.run("fal-ai/fast-sdxl", { input: { prompt: "a bay", image_size: { width: 640 }, num_inference_steps: 1 } });
    const plain = await fal.run("fal-ai/fast-sdxl", { input: { prompt: "a bay", num_inference_steps: 1 } });
    assert.deepEqual([preset.data.images[0].width, preset.data.images[0].height], [1024, 768]);
    assert.deepEqual([custom.data.images[0].width, custom.data.images[0].height], [640, 512]);
    assert.deepEqual([plain.data.images[0].width, plain.data.images[0].height], [1024, 1024]);
  });

  test("fast-sdxl/image-to-image: a data URI image keeps its size; its URL works too", limits, async () => {
    const { fal } = directClient();
    const source = await fal.run("fal-ai/fast-sdxl", { input: { prompt: "source", image_size: { width: 48, height: 32 }, num_inference_steps: 1 } });
    const { bytes } = await download(source.data.images[0].url);
    const dataUri = `data:image/png;base64,${Buffer.from(bytes).toString("base64")}`;

    const fromDataUri = await fal.subscribe("fal-ai/fast-sdxl/image-to-image", { input: { prompt: "edit", image_url: dataUri, strength: 0.8, num_inference_steps: 1 } });
    const fromUrl = await fal.subscribe("fal-ai/fast-sdxl/image-to-image", { input: { prompt: "edit", image_url: source.data.images[0].url, num_inference_steps: 1 } });

    for (const result of [fromDataUri, fromUrl]) {
      assert.deepEqual([result.data.images[0].width, result.data.images[0].height], [48, 32]);
      const { bytes: png } = await download(result.data.images[0].url);
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    }
  });

  test("fast-sdxl/image-to-image without image_url: 422 naming image_url", limits, async () => {
    const { fal } = directClient();
    await assert.rejects(fal.run("fal-ai/fast-sdxl/image-to-image", { input: { prompt: "edit" } }), (error) => {
      assert.ok(error instanceof ApiError, `ApiError, got ${error?.name}`);
      assert.equal(error.status, 422);
      assert.deepEqual(error.body.detail[0].loc, ["body", "image_url"]);
      return true;
    });
  });

  test("any-llm: the model field is used", limits, async () => {
    const { fal } = directClient();
    const result = await fal.subscribe("fal-ai/any-llm", { input: { prompt: "hi", model: "meta-llama/llama-3.1-8b-instruct" } });
    assert.match(result.data.output, /meta-llama\/llama-3\.1-8b-instruct/);
    assert.equal(result.data.partial, false);
  });
});
