// A self-signed TLS certificate for 127.0.0.1 and localhost, made in code (DER by hand, no openssl).
import { generateKeyPairSync, sign } from "node:crypto";

export interface TestCertificate {
  /** PEM of the certificate, also what a client trusts as its CA. */
  readonly cert: string;
  /** PEM (PKCS#8) of its private key. */
  readonly key: string;
}

function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([tag, ...length, ...content]);
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const sequence = (...parts: Uint8Array[]) => der(0x30, concat(...parts));
const text = (value: string) => new TextEncoder().encode(value);

function oid(dotted: string): Uint8Array {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Uint8Array.from(bytes));
}

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(2, 19).replace(/[-T:]/g, "");
  return der(0x17, text(`${digits}Z`));
}

function commonName(name: string): Uint8Array {
  return sequence(der(0x31, sequence(oid("2.5.4.3"), der(0x0c, text(name)))));
}

function extensions(): Uint8Array {
  const altNames = sequence(
    der(0x82, text("localhost")),
    der(0x87, Uint8Array.from([127, 0, 0, 1])),
  );
  const basicConstraints = sequence(der(0x01, Uint8Array.from([0xff])));
  return der(
    0xa3,
    sequence(
      sequence(oid("2.5.29.17"), der(0x04, altNames)),
      sequence(oid("2.5.29.19"), der(0x01, Uint8Array.from([0xff])), der(0x04, basicConstraints)),
    ),
  );
}

function pem(label: string, bytes: Uint8Array): string {
  const lines =
    Buffer.from(bytes)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Makes a fresh RSA key and a certificate for it, valid from an hour ago for a day. */
export function makeCertificate(): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const sha256WithRsa = sequence(oid("1.2.840.113549.1.1.11"), der(0x05, new Uint8Array()));
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, der(0x02, Uint8Array.from([2]))),
    der(0x02, Uint8Array.from([0x01, ...crypto.getRandomValues(new Uint8Array(8))])),
    sha256WithRsa,
    commonName("plugd test"),
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    commonName("plugd test"),
    new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    extensions(),
  );
  const signature = sign("sha256", tbs, privateKey);
  const bitString = der(0x03, concat(Uint8Array.from([0]), new Uint8Array(signature)));
  return {
    cert: pem("CERTIFICATE", sequence(tbs, sha256WithRsa, bitString)),
    key: String(privateKey.export({ type: "pkcs8", format: "pem" })),
  };
}
