// Storage: fal.storage.upload (initiate on the rest host, PUT the bytes, GET the file URL), and the
// client's automatic upload of Blob inputs.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { directClient, download, EMULATOR_URL, emulatorRequest, marker, TEST_KEY } from "../lib/emulator.js";

const limits = { timeout: 20_000 };

/** GET /_emulator/files: what the emulator stores (url, file_name, size, part_count, lifecycle). */
async function emulatorFiles() {
  const response = await fetch(`${EMULATOR_URL}/_emulator/files`, { headers: { Authorization: `Key ${TEST_KEY}` } });
  assert.equal(response.status, 200, "GET /_emulator/files");
  return response.json();
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

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

describe("fal.storage multipart and lifecycle", () => {
  test("a Blob above 90 MiB goes in 10 MiB parts (initiate-multipart, PUT parts, complete) and comes back whole", { timeout: 120_000 }, async () => {
    const { fal, calls } = directClient();
    // 91 MiB, just above the client's multipart threshold, made in memory: a pattern, so a misplaced part shows.
    const size = 91 * 1024 * 1024;
    const payload = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) payload[i] = (i / 4096) % 251;
    const url = await fal.storage.upload(new Blob([payload], { type: "application/octet-stream" }));

    assert.equal(calls[0].url, `${EMULATOR_URL}/_rest/storage/upload/initiate-multipart?storage_type=fal-cdn-v3`);
    const { response, bytes } = await download(url);
    assert.equal(response.status, 200, `GET ${url}`);
    assert.equal(bytes.length, size);
    assert.equal(sha256(bytes), sha256(payload), "same bytes, parts in order");
    const stored = (await emulatorFiles()).find((f) => f.url === url);
    assert.equal(stored?.part_count, 10, "91 MiB in 10 MiB parts");
  });

  test("upload lifecycle (expiresIn) reaches the emulator, which records it on the file", limits, async () => {
    const { fal } = directClient();
    const url = await fal.storage.upload(new Blob(["kept for an hour"], { type: "text/plain" }), { lifecycle: { expiresIn: "1h" } });

    const stored = (await emulatorFiles()).find((f) => f.url === url);
    assert.ok(stored, "the emulator lists the file");
    assert.deepEqual(JSON.parse(stored.lifecycle), { expiration_duration_seconds: 3600 });
    assert.ok(stored.expires_at, "an expiry time");
  });

  test("storageSettings on submit are sent as X-Fal-Object-Lifecycle-Preference and recorded on the request", limits, async () => {
    const { fal } = directClient();
    const { request_id: requestId } = await fal.queue.submit("emulator/echo", {
      input: { label: marker("lifecycle") },
      storageSettings: { expiresIn: "1d" },
    });

    const record = await emulatorRequest(requestId);
    assert.deepEqual(JSON.parse(record.object_lifecycle), { expiration_duration_seconds: 86400 });
  });
});
