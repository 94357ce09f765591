// The frame of every create/update/delete: staging folder, journal row, failure cleanup.
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

/** A change under way: its frame, and how it ends. */
export interface OpenChange extends ChangeFrame {
  /** Logs that the change is done. */
  succeeded(): void;
  /**
   * Marks the journal row failed with the reason (unless the commit already did), removes the
   * staging folder and logs why.
   */
  failed(err: unknown): void;
}

/** Gives a change a fresh staging folder and a journal row. */
export function beginChange(ctx: InstallContext, spec: ChangeSpec): OpenChange {
  const { type, name, op } = spec;
  const staging = createStaging(ctx.paths.staging, `${op}-${type}-${name}`);
  const journalId = ctx.store.journal.begin(type, name, op, staging.dir, spec.request);
  const log = ctx.logger.child({ module: "install", plugin: name, type, op });
  return {
    staging,
    journalId,
    log,
    succeeded: () => log.info(`${op} of ${type} plugin ${name} done`),
    failed: (err) => {
      if (existsSync(staging.dir)) {
        ctx.store.journal.finish(journalId, "failed", describeError(err));
        staging.remove();
      }
      log.warn(`${op} of ${type} plugin ${name} failed`, { error: describeError(err) });
    },
  };
}
