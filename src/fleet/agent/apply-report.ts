// What the fleet agent says about one desired state: its plan, each plugin's result, and why it failed.
import { describeError } from "../../errors.ts";
import { sha256Of } from "./desired.ts";
import type { Winner } from "./desired-queue.ts";

/** The last apply's outcome; "applying" is only ever the agent's current state, never stored. */
export type ApplyState = "applied" | "failed" | "deferred";

export interface PluginResult {
  key: string;
  /** install, update, remove or unchanged, as POST /data/import plans it. */
  action: string;
  /**
   * done or unchanged once applied; failed for the key that failed, not applied for the rest;
   * pending while the apply runs.
   */
  result: "done" | "unchanged" | "failed" | "not applied" | "pending";
  error?: string;
}

export interface ApplyReport {
  state: ApplyState;
  /** The desired document's sha256. */
  sha256: string;
  /** The topic the desired state came from. */
  source: string;
  rollout: string;
  at: string;
  plan: PluginResult[];
  /** Why it failed or was refused; absent otherwise. */
  error?: string;
}

/** The plan rows while the apply runs: changes pending, the rest unchanged. */
export function pendingResults(plan: readonly { key: string; action: string }[]): PluginResult[] {
  return plan.map(({ key, action }) => ({
    key,
    action,
    result: action === "unchanged" ? "unchanged" : "pending",
  }));
}

/** The plan rows as the apply left them: all done, or failed/not applied when it threw `err`. */
export function planResults(
  plan: readonly { key: string; action: string }[],
  err?: unknown,
): PluginResult[] {
  if (err === undefined) {
    return plan.map(({ key, action }) => ({
      key,
      action,
      result: action === "unchanged" ? "unchanged" : "done",
    }));
  }
  const errors = keyErrors(err);
  return plan.map(({ key, action }) => {
    const error = errors.get(key);
    return error === undefined
      ? { key, action, result: "not applied" as const }
      : { key, action, result: "failed" as const, error };
  });
}

/**
 * The message of a failed import: importConfiguration's per-key error map (its message is that
 * map as JSON, as eKuiper answers) flattened to "key: message; …", or the error's own text.
 */
export function failureMessage(err: unknown): string {
  const errors = keyErrors(err);
  if (errors.size === 0) return describeError(err);
  return [...errors].map(([key, message]) => `${key}: ${message}`).join("; ");
}

function keyErrors(err: unknown): Map<string, string> {
  const out = new Map<string, string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(err instanceof Error ? err.message : String(err));
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null) return out;
  for (const section of Object.values(parsed)) {
    if (typeof section !== "object" || section === null) continue;
    for (const [key, message] of Object.entries(section)) {
      if (typeof message === "string" && message !== "") out.set(key, message);
    }
  }
  return out;
}

/** The report of a payload that is not a desired state at all. */
export function unreadable(winner: Winner, err: unknown): ApplyReport {
  return {
    state: "failed",
    sha256: sha256Of(winner.payload),
    source: winner.topic,
    rollout: "all",
    at: new Date().toISOString(),
    plan: [],
    error: `the desired state cannot be read: ${describeError(err)}`,
  };
}
