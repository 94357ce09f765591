// The payload `plugd fleet publish --sign` writes: an envelope whose signature covers its issue time.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDesired, signedText } from "../fleet/agent/desired.ts";
import { generateKeyPair, importPublicKey, verifyText } from "../fleet/agent/signature.ts";
import { desiredPayload } from "./fleet-publish.ts";

const doc = JSON.stringify({ nativePlugins: {} });

describe("desiredPayload", () => {
  test("a signed payload is issued at the given time, and its signature covers that time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plugd-publish-"));
    try {
      const keys = await generateKeyPair();
      writeFileSync(join(dir, "fleet.key"), keys.privatePem);
      const now = new Date("2026-12-04T01:41:35.123Z");
      const flags = { sign: join(dir, "fleet.key"), rollout: "10%" };
      const payload = await desiredPayload(doc, flags, now);
      const envelope = JSON.parse(payload) as Record<string, unknown>;
      expect(envelope).toEqual({
        document: doc,
        rollout: "10%",
        issued: "2026-12-04T01:41:35.123Z",
        signature: expect.any(String),
      });
      const desired = parseDesired(new TextEncoder().encode(payload));
      const key = await importPublicKey(keys.publicPem);
      const signature = String(envelope.signature);
      expect(desired && (await verifyText(key, signature, signedText(desired)))).toBe(true);
      const older = JSON.stringify({ ...envelope, issued: "2026-12-04T01:00:00.000Z" });
      const moved = parseDesired(new TextEncoder().encode(older));
      expect(moved && (await verifyText(key, signature, signedText(moved)))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unsigned payload without a roll-out is the export text itself", async () => {
    expect(await desiredPayload(doc, { sign: undefined, rollout: undefined })).toBe(doc);
  });
});
