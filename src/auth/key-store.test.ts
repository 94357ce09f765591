// Key files in etc/mgmt/: the PEM forms eKuiper reads, the keys it cannot use, names in any case.
import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "../../test/support/certificate.ts";
import { tempFolder } from "../../test/support/zip-fixtures.ts";
import { silentLogger } from "../log/logger.ts";
import { importRsaPublicKey, KeyStore } from "./key-store.ts";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;

describe("importRsaPublicKey", () => {
  test.each([
    ["SubjectPublicKeyInfo", String(rsa.export({ type: "spki", format: "pem" }))],
    ["PKCS#1", String(rsa.export({ type: "pkcs1", format: "pem" }))],
    ["a certificate", makeCertificate().cert],
  ])("reads an RSA key written as %s", async (_form, pem) => {
    const key = await importRsaPublicKey(pem);
    expect(key.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5" });
    expect(key.usages).toEqual(["verify"]);
  });

  test.each([
    ["text that is not PEM", "hello", "not a PEM public key or certificate"],
    [
      "an EC key",
      String(
        generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
          type: "spki",
          format: "pem",
        }),
      ),
      "not an RSA key (its type is ec)",
    ],
    [
      "a 1024-bit RSA key",
      String(
        generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
          type: "spki",
          format: "pem",
        }),
      ),
      "an RSA key of 1024 bits; RS256 needs 2048 or more",
    ],
  ])("refuses %s, saying why", async (_what, pem, reason) => {
    await expect(importRsaPublicKey(pem)).rejects.toThrow(reason);
  });
});

describe("KeyStore", () => {
  test("finds a key by file name in any case, and keeps a bad file's reason", async () => {
    using home = tempFolder();
    const dir = join(home.path, "mgmt");
    mkdirSync(dir);
    writeFileSync(join(dir, "Gateway.PUB"), String(rsa.export({ type: "spki", format: "pem" })));
    writeFileSync(join(dir, "broken.pub"), "nothing");
    const store = new KeyStore(dir, silentLogger);
    try {
      expect(await store.find("gateway.pub")).toMatchObject({ file: "Gateway.PUB" });
      expect(await store.find("BROKEN.pub")).toMatchObject({
        file: "broken.pub",
        problem: expect.stringContaining("not a PEM public key"),
      });
      expect(await store.find("other.pub")).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
