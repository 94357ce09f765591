// eKuiper management tokens: RS256 JWTs whose iss names a key file in etc/mgmt/, aud eKuiper.
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import { type AppError, describeError, unauthorized } from "../errors.ts";
import type { KeyFinder } from "./key-store.ts";

/** Who a verified token speaks for. */
export interface TokenIdentity {
  readonly issuer: string;
  readonly subject: string | undefined;
}

export interface VerifyOptions {
  /** `basic.requireExp`: refuse tokens without `exp`. */
  readonly requireExp: boolean;
  /** The clock, for tests. */
  readonly now?: () => Date;
}

const audience = "eKuiper";

/**
 * Checks an `Authorization` header as eKuiper does: an RS256 JWT (a `Bearer ` prefix is
 * allowed), signed by the key file its `iss` names, `aud` containing `eKuiper`, `exp` and
 * `nbf` respected when present (`exp` required with `requireExp`), no leeway.
 * @throws AppError 401 whose message says what is wrong with the token.
 */
export async function verifyToken(
  header: string | null,
  keys: KeyFinder,
  options: VerifyOptions,
): Promise<TokenIdentity> {
  // Clients (and fetch) trim header values, so a bare "Bearer" is a prefix with no token.
  const token = (header ?? "").trim().replace(/^bearer(\s+|$)/i, "");
  if (token === "") {
    throw unauthorized(
      "missing_token: send an Authorization header holding an eKuiper RS256 token (basic.authentication is on)",
    );
  }
  const claims = readClaims(token);
  if (typeof claims.iss !== "string" || claims.iss === "") {
    throw invalid("it has no iss claim naming a public key file in etc/mgmt/");
  }
  const entry = await keys.find(claims.iss);
  if (!entry) throw invalid(`no public key file named ${JSON.stringify(claims.iss)} in etc/mgmt/`);
  if ("problem" in entry) {
    throw invalid(`the public key file etc/mgmt/${entry.file} cannot be used: ${entry.problem}`);
  }
  try {
    await jwtVerify(token, entry.key, {
      algorithms: ["RS256"],
      audience,
      requiredClaims: options.requireExp ? ["exp"] : [],
      currentDate: options.now?.() ?? new Date(),
    });
  } catch (err) {
    throw invalid(reasonOf(err, token, claims, entry.file));
  }
  return { issuer: claims.iss, subject: typeof claims.sub === "string" ? claims.sub : undefined };
}

function invalid(reason: string): AppError {
  return unauthorized(`invalid token: ${reason}`);
}

function readClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch (err) {
    throw invalid(`it is not a JWT (${describeError(err)})`);
  }
}

/** jose's errors, turned into what a person can act on. */
function reasonOf(err: unknown, token: string, claims: JWTPayload, file: string): string {
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return `it is signed with ${algorithmOf(token)}; only RS256 is accepted`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return `its signature does not match the public key etc/mgmt/${file}`;
  }
  if (err instanceof errors.JWTExpired) return `it expired at ${timeOf(claims.exp)}`;
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "exp" && err.reason === "missing") {
      return "it has no exp claim, and basic.requireExp is on";
    }
    if (err.claim === "nbf") return `it is not valid before ${timeOf(claims.nbf)}`;
    if (err.claim === "aud") {
      return `audience field should contain ${audience}, but got ${JSON.stringify(claims.aud ?? null)}`;
    }
  }
  return describeError(err);
}

function algorithmOf(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg);
  } catch {
    return "an unknown algorithm";
  }
}

function timeOf(seconds: unknown): string {
  return typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : String(seconds);
}
