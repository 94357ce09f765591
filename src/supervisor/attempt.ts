// Attempt: one start of a supervised process and what became of it.

import { InternalError } from "../errors.ts";
import type { ChildProcess } from "./child-process.ts";

/** The supervisor's record of one process it started. */
export interface Attempt {
  readonly child: ChildProcess;
  /** Settles when the process becomes ready (resolves) or fails or is stopped first (rejects). */
  readonly ready: PromiseWithResolvers<void>;
  /** The supervisor is ending this process itself: its exit is not a crash. */
  ending: boolean;
  /** Failed or stopped: later news of this attempt is ignored. */
  over: boolean;
  /** When the process became ready (clock milliseconds), or null. */
  readySince: number | null;
}

/** A fresh attempt for `child`, which is not started yet. */
export function createAttempt(child: ChildProcess): Attempt {
  const ready = Promise.withResolvers<void>();
  // Callers may ignore readiness: the outcome is in status() and the log as well.
  ready.promise.catch(() => undefined);
  return { child, ready, ending: false, over: false, readySince: null };
}

/**
 * Marks the attempt over and rejects its readiness with an InternalError saying `reason` (no
 * effect on a readiness already resolved; the portable layer answers it as a 400). Returns false, doing nothing, if the attempt was over already.
 */
export function endAttempt(attempt: Attempt, reason: string): boolean {
  if (attempt.over) return false;
  attempt.over = true;
  attempt.ready.reject(new InternalError(reason));
  return true;
}
