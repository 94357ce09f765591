// runChange: the frame of every create/update/delete: staging folder, journal row, failure cleanup.
import { existsSync } from "node:fs";
import { describeError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { JournalOp } from "../store/journal-repo.ts";
import type { PluginKind } from "../store/plugins-repo.ts";
import type { InstallContext } from "./context.ts";
import { createStaging, type Staging } from "./staging.ts";

export interface ChangeFrame {
  staging: Staging;
  journalId: number;
  log: Logger;
}

export interface ChangeSpec {
  type: PluginKind;
  name: string;
  op: JournalOp;
  /** The request as it is kept in the journal. */
  request: object;
}

/**
 * Gives `work` a fresh staging folder and a journal row. When `work` throws, the row is marked
 * failed with the reason (unless the commit already did), the staging folder goes, and the
 * error is logged and thrown again.
 */
export async function runChange<T>(
  ctx: InstallContext,
  spec: ChangeSpec,
  work: (frame: ChangeFrame) => Promise<T>,
): Promise<T> {
  const { type, name, op } = spec;
  const staging = createStaging(ctx.paths.staging, `${op}-${type}-${name}`);
  const journalId = ctx.store.journal.begin(type, name, op, staging.dir, spec.request);
  const log = ctx.logger.child({ module: "install", plugin: name, type, op });
  try {
    const result = await work({ staging, journalId, log });
    log.info(`${op} of ${type} plugin ${name} done`);
    return result;
  } catch (err) {
    if (existsSync(staging.dir)) {
      ctx.store.journal.finish(journalId, "failed", describeError(err));
      staging.remove();
    }
    log.warn(`${op} of ${type} plugin ${name} failed`, { error: describeError(err) });
    throw err;
  }
}
