// eKuiper tokens for tests: RSA key pairs made here, public keys put in etc/mgmt/, JWTs signed with jose.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type JWTPayload, SignJWT } from "jose";

export interface Signer {
  readonly privateKey: KeyObject;
  /** The public key as SubjectPublicKeyInfo PEM, the form etc/mgmt/ usually holds. */
  readonly publicPem: string;
}

/** A fresh 2048-bit RSA key pair. */
export function makeSigner(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, publicPem: String(publicKey.export({ type: "spki", format: "pem" })) };
}

/** Writes `pem` as `<home>/etc/mgmt/<file>`. */
export function installKey(home: string, file: string, pem: string): void {
  mkdirSync(join(home, "etc", "mgmt"), { recursive: true });
  writeFileSync(join(home, "etc", "mgmt", file), pem);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * An RS256 token from `signer` with eKuiper's claims: `iss` and `aud: ["eKuiper"]`, valid for
 * ten minutes; `claims` adds to or replaces them (`undefined` removes one).
 */
export function signToken(
  signer: Signer,
  issuer: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const payload: Record<string, unknown> = {
    iss: issuer,
    aud: ["eKuiper"],
    exp: nowSeconds() + 600,
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(signer.privateKey);
}

/** An HS256 token keyed with `secret`: the algorithm-confusion attack on RS256 verifiers. */
export function signHmacToken(secret: string, issuer: string): Promise<string> {
  const payload: JWTPayload = { iss: issuer, aud: "eKuiper", exp: nowSeconds() + 600 };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

export const seconds = { now: nowSeconds };
