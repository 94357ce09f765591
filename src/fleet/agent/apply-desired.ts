// Applies one desired state as POST /data/import: signature, replay, roll-out, plan, all or nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { downloadToFile } from "../../download/fetch-to-file.ts";
import type { InstallContext } from "../../install/context.ts";
import { downloadOptions } from "../../install/fetch-zip.ts";
import { createStaging } from "../../install/staging.ts";
import { importConfiguration } from "../fleet-service.ts";
import {
  type ApplyReport,
  failureMessage,
  type PluginResult,
  pendingResults,
  planResults,
} from "./apply-report.ts";
import { type Desired, signedText } from "./desired.ts";
import { replayRefusal } from "./replay.ts";
import { describeRollout, inRollout } from "./rollout.ts";
import { verifyText } from "./signature.ts";

/** The largest export a URL envelope may name (as POST /data/import reads). */
const maxDocumentBytes = 16 * 1024 * 1024;

export interface ApplyDeps {
  ctx: InstallContext;
  gatewayId: string;
  /** Set: the desired state must carry a valid signature by its private key. */
  publicKey: CryptoKey | undefined;
  /** Told the plan once it is known, before the apply starts. */
  applying(sha256: string, plan: PluginResult[]): void;
}

/**
 * Checks the signature and its issue time (when a key is configured: one issued before the
 * newest accepted is a replay, refused; a newer one becomes the newest) and the roll-out,
 * reads the document (from its URL, bounded as plugin downloads are and checked against its
 * sha256), plans it as a dry run and applies it as POST /data/import does: the whole set,
 * all or nothing. Never throws: every refusal and failure is a report saying why, and leaves
 * the gateway as it was. The stored applied sha256 changes only when the apply succeeded.
 * Returns undefined, storing nothing, for the document applied already (a reconnect, a
 * restart) once it passed the checks, so that a replay of it is refused too.
 */
export async function applyDesired(
  deps: ApplyDeps,
  desired: Desired,
  source: string,
): Promise<ApplyReport | undefined> {
  const base = {
    sha256: desired.sha256,
    source,
    rollout: describeRollout(desired.rollout),
    at: new Date().toISOString(),
  };
  const refusal = await checkTrust(deps, desired);
  if (refusal) return remember(deps, { ...base, state: "failed", plan: [], error: refusal });
  if (desired.sha256 === deps.ctx.store.fleet.get().appliedSha256) return undefined;
  if (!inRollout(desired.rollout, deps.gatewayId, desired.sha256)) {
    return remember(deps, { ...base, state: "deferred", plan: [] });
  }
  let plan: { key: string; action: string }[] = [];
  try {
    const content = await documentText(deps.ctx, desired);
    const options = { partial: false, v2: true } as const;
    plan = (await importConfiguration(deps.ctx, { content }, { ...options, dryRun: true })).plan;
    deps.applying(desired.sha256, pendingResults(plan));
    await importConfiguration(deps.ctx, { content }, { ...options, dryRun: false });
  } catch (err) {
    const report = { ...base, state: "failed" as const, plan: planResults(plan, err) };
    return remember(deps, { ...report, error: failureMessage(err) });
  }
  const report: ApplyReport = { ...base, state: "applied", plan: planResults(plan) };
  deps.ctx.store.fleet.put({ appliedSha256: desired.sha256, lastApply: report });
  return report;
}

/** Stores a report that did not change what is applied. */
function remember(deps: ApplyDeps, report: ApplyReport): ApplyReport {
  const { appliedSha256 } = deps.ctx.store.fleet.get();
  deps.ctx.store.fleet.put({ appliedSha256, lastApply: report });
  return report;
}

/** Why the state is refused (unsigned, badly signed, a replay), or undefined; stores a newer issue. */
async function checkTrust(deps: ApplyDeps, desired: Desired): Promise<string | undefined> {
  const key = deps.publicKey;
  if (!key) return undefined;
  if (desired.signature === undefined) {
    return "refused: the desired state is not signed, and fleet.publicKey requires a signature";
  }
  const valid = await verifyText(key, desired.signature, signedText(desired)).catch(() => false);
  if (!valid) return "refused: the signature does not verify with fleet.publicKey";
  const { fleet } = deps.ctx.store;
  const replay = replayRefusal(desired.issued, desired.sha256, fleet.accepted());
  if (replay !== undefined) return replay;
  if (desired.issued !== undefined)
    fleet.accept({ issued: desired.issued, sha256: desired.sha256 });
  return undefined;
}

async function documentText(ctx: InstallContext, desired: Desired): Promise<string> {
  if (desired.kind === "document") return desired.text;
  const staging = createStaging(ctx.paths.staging, "fleet");
  try {
    const path = join(staging.dir, "desired");
    await downloadToFile(desired.url, path, {
      ...downloadOptions(ctx),
      maxBytes: maxDocumentBytes,
      pathSuffix: "",
      allowExternalFileAccess: false,
      expectedSha256: desired.sha256,
    });
    return readFileSync(path, "utf8");
  } finally {
    staging.remove();
  }
}
