// `plugd fleet publish FILE`: a retained desired state for a group or a gateway, signed and staged if asked.
import { readFileSync } from "node:fs";
import { sha256Of, signedText } from "../fleet/agent/desired.ts";
import { describeRollout, parseRollout } from "../fleet/agent/rollout.ts";
import { importPrivateKey, signText } from "../fleet/agent/signature.ts";
import { type BrokerTarget, connectBroker } from "./fleet-broker.ts";

export interface PublishFlags {
  /** The export file; undefined clears the desired state. */
  file: string | undefined;
  group: string | undefined;
  gateway: string | undefined;
  /** A PEM Ed25519 private key file. */
  sign: string | undefined;
  rollout: string | undefined;
  print: (line: string) => void;
}

/** `<prefix>/gateways/<id>/desired` or `<prefix>/groups/<group>/desired`; exactly one of them. */
export function desiredTopic(
  prefix: string,
  flags: Pick<PublishFlags, "group" | "gateway">,
): string {
  if ((flags.group === undefined) === (flags.gateway === undefined)) {
    throw new Error("give exactly one of --group G or --gateway ID");
  }
  return flags.gateway === undefined
    ? `${prefix}/groups/${flags.group}/desired`
    : `${prefix}/gateways/${flags.gateway}/desired`;
}

/**
 * The payload: the export text itself, or, with --sign or --rollout, the envelope
 * {"document", "signature"?, "issued"?, "rollout"?}; a signed one is issued at `now`, which the
 * signature covers, so that gateways refuse it once they have accepted a newer one. Throws
 * Error for a bad rollout or key.
 */
export async function desiredPayload(
  text: string,
  flags: Pick<PublishFlags, "sign" | "rollout">,
  now: Date = new Date(),
): Promise<string> {
  if (flags.sign === undefined && flags.rollout === undefined) return text;
  const rollout = parseRollout(flags.rollout);
  const envelope: Record<string, unknown> = { document: text };
  if (rollout.kind !== "all") envelope.rollout = describeRollout(rollout);
  if (flags.sign !== undefined) {
    const key = await importPrivateKey(readFileSync(flags.sign, "utf8"));
    const issued = now.toISOString();
    const desired = {
      kind: "document",
      text,
      sha256: sha256Of(text),
      signature: undefined,
      issued,
      rollout,
    } as const;
    envelope.issued = issued;
    envelope.signature = await signText(key, signedText(desired));
  }
  return JSON.stringify(envelope);
}

/**
 * Publishes (retained, QoS 1) and prints the topic, the document's sha256 and, when signed,
 * its issue time. Returns 0.
 */
export async function runFleetPublish(target: BrokerTarget, flags: PublishFlags): Promise<number> {
  const topic = desiredTopic(target.prefix, flags);
  const text = flags.file === undefined ? "" : readFileSync(flags.file, "utf8");
  const now = new Date();
  const payload = text === "" ? "" : await desiredPayload(text, flags, now);
  const client = await connectBroker(target);
  try {
    await client.publishAsync(topic, payload, { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
  const issued = flags.sign === undefined ? "" : ` issued ${now.toISOString()}`;
  flags.print(
    text === "" ? `cleared ${topic}` : `published ${topic} sha256 ${sha256Of(text)}${issued}`,
  );
  return 0;
}
