// Desired-state payloads, roll-out buckets and signatures (pure).
import { describe, expect, test } from "bun:test";
import { maxDesiredBytes, parseDesired, sha256Of, signedText } from "./desired.ts";
import { inRollout, parseRollout, rolloutBucket } from "./rollout.ts";
import {
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  signText,
  verifyText,
} from "./signature.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const doc = JSON.stringify({ nativePlugins: {} });

describe("parseDesired", () => {
  test("an empty payload is a cleared desired state", () => {
    expect(parseDesired(new Uint8Array())).toBeUndefined();
  });

  test("a payload over the cap is refused before it is decoded, pointing at the url envelope", () => {
    expect(() => parseDesired(new Uint8Array(maxDesiredBytes + 1))).toThrow(
      `the desired state is ${maxDesiredBytes + 1} bytes, over the ${maxDesiredBytes} a gateway takes`,
    );
    expect(parseDesired(bytes(doc.padEnd(maxDesiredBytes, " ")))?.kind).toBe("document");
  });

  test("a raw export document is identified by the sha256 of its bytes", () => {
    expect(parseDesired(bytes(doc))).toEqual({
      kind: "document",
      text: doc,
      sha256: sha256Of(doc),
      signature: undefined,
      issued: undefined,
      rollout: { kind: "all" },
    });
  });

  test("a document envelope carries its signature, issue time and rollout", () => {
    const issued = "2026-12-04T01:41:35.123Z";
    const payload = JSON.stringify({ document: doc, signature: "c2ln", issued, rollout: "10%" });
    expect(parseDesired(bytes(payload))).toEqual({
      kind: "document",
      text: doc,
      sha256: sha256Of(doc),
      signature: "c2ln",
      issued,
      rollout: { kind: "percent", percent: 10 },
    });
  });

  test.each([
    ["yesterday"],
    ["2026-12-04 01:41:35Z"],
    ["2026-12-04T01:41:35+01:00"],
    ["2026-13-04T01:41:35Z"],
  ])("an issue time %p that is not a UTC ISO time is refused", (issued) => {
    expect(() => parseDesired(bytes(JSON.stringify({ document: doc, issued })))).toThrow(
      "issued must be a UTC time",
    );
  });

  test("a url envelope needs a sha256, which the signature covers", () => {
    const sha256 = "A".repeat(64);
    const desired = parseDesired(bytes(JSON.stringify({ url: "http://x/set.json", sha256 })));
    expect(desired).toMatchObject({ kind: "url", sha256: "a".repeat(64) });
    expect(desired && signedText(desired)).toBe("a".repeat(64));
    expect(() => parseDesired(bytes(JSON.stringify({ url: "http://x/set.json" })))).toThrow(
      "sha256",
    );
  });

  test("a signature covers the roll-out too, in its canonical form", () => {
    const staged = parseDesired(bytes(JSON.stringify({ document: doc, rollout: 10 })));
    expect(staged && signedText(staged)).toBe(`rollout 10%\n${doc}`);
    const ids = parseDesired(bytes(JSON.stringify({ document: doc, rollout: ["a", "b"] })));
    expect(ids && signedText(ids)).toBe(`rollout a,b\n${doc}`);
  });

  test("a signature covers the issue time, before the roll-out", () => {
    const issued = "2026-12-04T01:41:35Z";
    const staged = parseDesired(bytes(JSON.stringify({ document: doc, issued, rollout: "5%" })));
    expect(staged && signedText(staged)).toBe(`issued ${issued}\nrollout 5%\n${doc}`);
  });

  test("text that is not an object is refused", () => {
    expect(() => parseDesired(bytes("[1, 2]"))).toThrow("not an object");
  });
});

describe("rollout", () => {
  test.each([
    [undefined, { kind: "all" }],
    ["50%", { kind: "percent", percent: 50 }],
    [25, { kind: "percent", percent: 25 }],
    [["a", "b"], { kind: "ids", ids: ["a", "b"] }],
    ["a, b", { kind: "ids", ids: ["a", "b"] }],
  ])("%p is read as %p", (value, expected) => {
    expect(parseRollout(value)).toEqual(expected as ReturnType<typeof parseRollout>);
  });

  test("more than 100% is refused", () => {
    expect(() => parseRollout("150%")).toThrow("more than 100%");
  });

  test("a gateway is in a percentage roll-out when its bucket is below it", () => {
    const sha = sha256Of(doc);
    const bucket = rolloutBucket("gw-1", sha);
    expect(inRollout({ kind: "percent", percent: bucket + 1 }, "gw-1", sha)).toBe(true);
    expect(inRollout({ kind: "percent", percent: bucket }, "gw-1", sha)).toBe(false);
    expect(inRollout({ kind: "ids", ids: ["gw-2"] }, "gw-1", sha)).toBe(false);
  });
});

describe("signatures", () => {
  test("a signature verifies with its public key in PEM and raw base64, and not for other text", async () => {
    const pair = await generateKeyPair();
    const signature = await signText(await importPrivateKey(pair.privatePem), doc);
    const fromPem = await importPublicKey(pair.publicPem);
    expect(await verifyText(fromPem, signature, doc)).toBe(true);
    expect(await verifyText(fromPem, signature, `${doc} `)).toBe(false);
    const raw = Buffer.from(
      await crypto.subtle.exportKey(
        "raw",
        await crypto.subtle.importKey(
          "spki",
          Buffer.from(pair.publicPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64"),
          "Ed25519",
          true,
          ["verify"],
        ),
      ),
    );
    const fromRaw = await importPublicKey(raw.toString("base64"));
    expect(await verifyText(fromRaw, signature, doc)).toBe(true);
    expect(await verifyText(fromRaw, "bm90IGEgc2lnbmF0dXJl", doc)).toBe(false);
  });
});
