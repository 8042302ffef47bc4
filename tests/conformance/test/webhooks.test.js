// Webhooks end to end: the official client submits with a webhookUrl, the emulator POSTs the signed webhook to a
// real HTTP server here, and the signature is checked the way fal's docs show (Node's crypto, Ed25519, keys from
// the JWKS on fal's REST host, which the emulator serves under /_rest).
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { directClient, marker, sleep, toEmulatorUrl } from "../lib/emulator.js";

const JWKS_URL = "https://rest.fal.ai/.well-known/jwks.json";
const TOLERANCE_SECONDS = 300;

/** fal's documented check: headers present, timestamp within ±5 min, Ed25519 over the four lines, any JWKS key. */
async function verifyFalWebhook(headers, body) {
  const requestId = headers["x-fal-webhook-request-id"];
  const userId = headers["x-fal-webhook-user-id"];
  const timestamp = headers["x-fal-webhook-timestamp"];
  const signature = headers["x-fal-webhook-signature"];
  if (!requestId || !userId || !timestamp || !signature) return false;
  if (Math.abs(Math.floor(Date.now() / 1000) - Number.parseInt(timestamp, 10)) > TOLERANCE_SECONDS) return false;
  const digest = createHash("sha256").update(body).digest("hex");
  const message = Buffer.from([requestId, userId, timestamp, digest].join("\n"), "utf8");
  const jwks = await fetch(toEmulatorUrl(JWKS_URL)).then((r) => r.json());
  return jwks.keys.some((jwk) => {
    try {
      const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
      return verify(null, message, key, Buffer.from(signature, "hex"));
    } catch {
      return false;
    }
  });
}

describe("webhooks", () => {
  const received = [];
  let server;
  let hookUrl;

  before(async () => {
    server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${server.address().port}`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  async function delivery(path) {
    for (let i = 0; i < 100; i++) {
      const found = received.find((d) => d.path === path);
      if (found) return found;
      await sleep(50);
    }
    throw new Error(`no webhook POSTed to ${path} within 5 s`);
  }

  test("the webhook the emulator POSTs is signed as fal documents, against its JWKS", { timeout: 20_000 }, async () => {
    const { fal } = directClient();
    const path = `/${marker("hook")}`;
    const input = { tag: marker("signed") };
    const { request_id: requestId } = await fal.queue.submit("emulator/echo", { input, webhookUrl: hookUrl + path });

    const { headers, body } = await delivery(path);

    assert.equal(headers["x-fal-webhook-request-id"], requestId);
    assert.ok(headers["x-fal-webhook-user-id"], "a user id header");
    assert.match(headers["x-fal-webhook-timestamp"], /^\d+$/);
    assert.match(headers["x-fal-webhook-signature"], /^[0-9a-f]{128}$/);
    assert.equal(await verifyFalWebhook(headers, body), true, "the signature verifies with a key of the JWKS");
    const webhook = JSON.parse(body.toString("utf8"));
    assert.equal(webhook.request_id, requestId);
    assert.equal(webhook.status, "OK");
    assert.deepEqual(webhook.payload, input);

    const tampered = Buffer.from(body.toString("utf8").replace(input.tag, "changed"), "utf8");
    assert.equal(await verifyFalWebhook(headers, tampered), false, "a changed body does not verify");
    const otherRequest = { ...headers, "x-fal-webhook-request-id": "another-request" };
    assert.equal(await verifyFalWebhook(otherRequest, body), false, "a changed signed header does not verify");
  });

  test("the JWKS is public and holds Ed25519 keys", async () => {
    const response = await fetch(toEmulatorUrl(JWKS_URL));
    assert.equal(response.status, 200);
    const jwks = await response.json();
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.equal(key.kty, "OKP");
      assert.equal(key.crv, "Ed25519");
      assert.equal(Buffer.from(key.x, "base64url").length, 32);
    }
  });

  test("a failed request's webhook is signed too and says ERROR", { timeout: 20_000 }, async () => {
    const { fal } = directClient();
    const path = `/${marker("hook-error")}`;
    await fal.queue.submit("emulator/fail", { input: { status: 422, detail: "bad input" }, webhookUrl: hookUrl + path });

    const { headers, body } = await delivery(path);

    assert.equal(await verifyFalWebhook(headers, body), true);
    const webhook = JSON.parse(body.toString("utf8"));
    assert.equal(webhook.status, "ERROR");
    assert.match(webhook.error, /422/);
  });
});
