// Staged roll-outs without a server: which gateways of a fleet take a desired document now.

/** Everyone, a share of the fleet (0..100), or the named gateways. */
export type Rollout =
  | { readonly kind: "all" }
  | { readonly kind: "percent"; readonly percent: number }
  | { readonly kind: "ids"; readonly ids: readonly string[] };

/**
 * Reads a `rollout` field: absent for all, "10%", "10" or 10 for a share, a list of gateway
 * ids (or one comma-separated string of them). Throws Error saying what is wrong.
 */
export function parseRollout(value: unknown): Rollout {
  if (value === undefined || value === null) return { kind: "all" };
  if (Array.isArray(value)) {
    if (!value.every((id) => typeof id === "string" && id !== "")) {
      throw new Error("rollout: a list must hold gateway ids (non-empty strings)");
    }
    return { kind: "ids", ids: value };
  }
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string") throw new Error("rollout: must be a percentage or a list of ids");
  const share = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (share) {
    const percent = Number(share[1]);
    if (percent > 100) throw new Error(`rollout: ${text} is more than 100%`);
    return { kind: "percent", percent };
  }
  const ids = text
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (ids.length === 0) throw new Error(`rollout: ${JSON.stringify(text)} names no gateway`);
  return { kind: "ids", ids };
}

/**
 * The gateway's bucket (0..99) for a document: the first 32 bits of
 * sha256("<gatewayId>:<document sha256>") modulo 100. Stable for a gateway and a document, and
 * different per document, so each roll-out picks a different first share of the fleet.
 */
export function rolloutBucket(gatewayId: string, documentSha256: string): number {
  const digest = new Bun.CryptoHasher("sha256").update(`${gatewayId}:${documentSha256}`).digest();
  return digest.readUInt32BE(0) % 100;
}

/** True when `gatewayId` takes the document now; false: it keeps what it has ("deferred"). */
export function inRollout(rollout: Rollout, gatewayId: string, documentSha256: string): boolean {
  if (rollout.kind === "all") return true;
  if (rollout.kind === "ids") return rollout.ids.includes(gatewayId);
  return rolloutBucket(gatewayId, documentSha256) < rollout.percent;
}

/** The rollout as it is written in a desired document (for reports). */
export function describeRollout(rollout: Rollout): string {
  if (rollout.kind === "all") return "all";
  if (rollout.kind === "percent") return `${rollout.percent}%`;
  return rollout.ids.join(",");
}
