// Storage: fal.storage.upload (initiate on the rest host, PUT the bytes, GET the file URL), and the
// client's automatic upload of Blob inputs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { directClient, download, EMULATOR_URL } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

describe("fal.storage", () => {
  test("upload of a Blob: the returned URL serves the same bytes", limits, async () => {
    const { fal, calls } = directClient();
    const payload = randomBytes(100_000);
    const url = await fal.storage.upload(new Blob([payload], { type: "application/octet-stream" }));

    assert.equal(typeof url, "string");
    assert.equal(calls[0].url, `${EMULATOR_URL}/_rest/storage/upload/initiate?storage_type=fal-cdn-v3`);
    const { response, bytes } = await download(url);
    assert.equal(response.status, 200, `GET ${url}`);
    assert.equal(bytes.length, payload.length);
    assert.ok(Buffer.from(bytes).equals(payload), "same bytes");
  });

  test("upload keeps the content type", limits, async () => {
    const { fal } = directClient();
    const text = "hello from the conformance suite\n";
    const url = await fal.storage.upload(new Blob([text], { type: "text/plain" }));
    const { response, bytes } = await download(url);
    assert.equal(new TextDecoder().decode(bytes), text);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
  });

  test("a Blob inside run input is uploaded first and replaced by its URL", limits, async () => {
    const { fal } = directClient();
    const payload = randomBytes(4096);
    const result = await fal.run("emulator/echo", {
      input: { file: new Blob([payload], { type: "application/octet-stream" }), label: "x" },
    });
    assert.equal(result.data.label, "x");
    assert.equal(typeof result.data.file, "string", "the Blob became a URL");
    const { bytes } = await download(result.data.file);
    assert.ok(Buffer.from(bytes).equals(payload), "the URL serves the Blob's bytes");
  });
});
