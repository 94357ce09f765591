// Detached Ed25519 signatures of desired states (Web Crypto): keys from PEM or base64, sign, verify.
import { existsSync, readFileSync } from "node:fs";

const encoder = new TextEncoder();

/**
 * The public key of `text`: a PEM "PUBLIC KEY" (SPKI), the base64 of the 32 raw bytes, or the
 * path of a file holding either. Throws Error saying which form failed.
 */
export async function importPublicKey(text: string): Promise<CryptoKey> {
  const value = readIfFile(text);
  if (value.includes("-----BEGIN")) {
    const der = pemBody(value, "PUBLIC KEY");
    return await crypto.subtle.importKey("spki", der, "Ed25519", false, ["verify"]);
  }
  const raw = new Uint8Array(Buffer.from(value.trim(), "base64"));
  if (raw.length !== 32) {
    throw new Error("an Ed25519 public key is a PEM or the base64 of 32 bytes");
  }
  return await crypto.subtle.importKey("raw", raw, "Ed25519", false, ["verify"]);
}

/** The private key of a PEM "PRIVATE KEY" (PKCS#8) text or file, for signing. */
export async function importPrivateKey(text: string): Promise<CryptoKey> {
  const der = pemBody(readIfFile(text), "PRIVATE KEY");
  return await crypto.subtle.importKey("pkcs8", der, "Ed25519", false, ["sign"]);
}

/** A fresh key pair as PEM texts (PKCS#8 private, SPKI public). */
export async function generateKeyPair(): Promise<{ privatePem: string; publicPem: string }> {
  const pair = await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  if (!("privateKey" in pair)) throw new Error("Ed25519 generated no key pair");
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
  const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
  return { privatePem: pem("PRIVATE KEY", pkcs8), publicPem: pem("PUBLIC KEY", spki) };
}

/** The base64 of the signature of `message` (its UTF-8 bytes). */
export async function signText(key: CryptoKey, message: string): Promise<string> {
  const signature = await crypto.subtle.sign("Ed25519", key, encoder.encode(message));
  return Buffer.from(signature).toString("base64");
}

/** True when `signature` (base64) is `key`'s signature of `message`'s UTF-8 bytes. */
export async function verifyText(
  key: CryptoKey,
  signature: string,
  message: string,
): Promise<boolean> {
  const bytes = new Uint8Array(Buffer.from(signature, "base64"));
  if (bytes.length !== 64) return false;
  return await crypto.subtle.verify("Ed25519", key, bytes, encoder.encode(message));
}

function readIfFile(text: string): string {
  const trimmed = text.trim();
  const looksLikePath = !trimmed.includes("\n") && trimmed.includes("/") && existsSync(trimmed);
  return looksLikePath ? readFileSync(trimmed, "utf8") : text;
}

function pemBody(text: string, label: string): Uint8Array<ArrayBuffer> {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!match?.[1]) throw new Error(`not a PEM ${label}`);
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ""), "base64"));
}

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
