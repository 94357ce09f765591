// A desired-state payload read from MQTT: an export document, or an envelope holding or naming one.
import { describeRollout, parseRollout, type Rollout } from "./rollout.ts";

/** The export text itself (raw, or in a `document` envelope). */
export interface DesiredDocument {
  readonly kind: "document";
  readonly text: string;
  /** Lower-case hex sha256 of `text`'s UTF-8 bytes: the document's identity. */
  readonly sha256: string;
  readonly signature: string | undefined;
  /** When `plugd fleet publish` signed it (ISO 8601, UTC); undefined for a raw document. */
  readonly issued: string | undefined;
  readonly rollout: Rollout;
}

/** An envelope naming the export by URL, pinned by its sha256. */
export interface DesiredReference {
  readonly kind: "url";
  readonly url: string;
  readonly sha256: string;
  readonly signature: string | undefined;
  readonly issued: string | undefined;
  readonly rollout: Rollout;
}

export type Desired = DesiredDocument | DesiredReference;

/** An object with one of these keys is an envelope; any other object is an export document. */
const envelopeKeys = ["document", "url"];

/** Hex sha256 of `text`'s UTF-8 bytes. */
export function sha256Of(text: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/**
 * The largest desired-state payload a gateway takes: an export document of hundreds of plugins
 * is well under it. MQTT 5 brokers are told so at connect and do not deliver larger packets.
 */
export const maxDesiredBytes = 16 * 1024 * 1024;

/**
 * Reads a retained payload (UTF-8): an export document in JSON or YAML (its top-level
 * `rollout`, if any, read too), `{"document": TEXT, "signature"?, "issued"?, "rollout"?}`, or
 * `{"url": URL, "sha256": HEX, "signature"?, "issued"?, "rollout"?}`. Returns undefined for an empty
 * payload (the desired state was cleared). Throws Error saying what does not fit.
 */
export function parseDesired(payload: Uint8Array): Desired | undefined {
  if (payload.length === 0) return undefined;
  if (payload.length > maxDesiredBytes) {
    throw new Error(
      `the desired state is ${payload.length} bytes, over the ${maxDesiredBytes} a gateway takes (put a large document behind a {"url","sha256"} envelope)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    throw new Error("the desired state is not UTF-8 text");
  }
  if (text.trim() === "") return undefined;
  const parsed = parseObject(text);
  if (!envelopeKeys.some((key) => key in parsed)) {
    return {
      kind: "document",
      text,
      sha256: sha256Of(text),
      signature: undefined,
      issued: undefined,
      rollout: parseRollout(parsed.rollout),
    };
  }
  const signature = optionalString(parsed, "signature");
  const issued = issueTime(parsed);
  const rollout = parseRollout(parsed.rollout);
  if (typeof parsed.document === "string") {
    return {
      kind: "document",
      text: parsed.document,
      sha256: sha256Of(parsed.document),
      signature,
      issued,
      rollout,
    };
  }
  if (typeof parsed.url !== "string" || parsed.url === "") {
    throw new Error("an envelope needs document (the export text) or url (and sha256)");
  }
  const sha256 = typeof parsed.sha256 === "string" ? parsed.sha256.toLowerCase() : "";
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new Error("an envelope with url needs sha256: 64 hexadecimal digits of the document");
  }
  return { kind: "url", url: parsed.url, sha256, signature, issued, rollout };
}

/**
 * What a signature covers: the document's bytes (for a URL envelope its sha256, which pins
 * them), preceded by `rollout <share or ids>\n` when the state names a roll-out, so that a
 * staged roll-out cannot be widened (or a roll-out added or removed) without the key, and
 * before that by `issued <time>\n` when it has an issue time, so that an old state cannot be
 * passed off as a new one.
 */
export function signedText(desired: Desired): string {
  const base = desired.kind === "document" ? desired.text : desired.sha256;
  const staged =
    desired.rollout.kind === "all" ? base : `rollout ${describeRollout(desired.rollout)}\n${base}`;
  return desired.issued === undefined ? staged : `issued ${desired.issued}\n${staged}`;
}

/** `issued`: absent, or a UTC time as toISOString() writes it (milliseconds optional). */
function issueTime(envelope: Record<string, unknown>): string | undefined {
  const issued = optionalString(envelope, "issued");
  if (issued === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
  if (!iso.test(issued) || !Number.isFinite(Date.parse(issued))) {
    throw new Error(`issued must be a UTC time such as 2026-12-04T01:41:35.123Z, not ${issued}`);
  }
  return issued;
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = Bun.YAML.parse(text);
  } catch (err) {
    throw new Error(`the desired state is neither JSON nor YAML: ${String(err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("the desired state is not an object (an export document or an envelope)");
  }
  return parsed as Record<string, unknown>;
}

function optionalString(value: Record<string, unknown>, key: string): string | undefined {
  const field = value[key];
  if (field === undefined) return undefined;
  if (typeof field !== "string") throw new Error(`${key} must be a string`);
  return field;
}
