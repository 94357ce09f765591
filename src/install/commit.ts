// Puts staged changes in place together: journal the renames, rename, write the rows, or undo all.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../errors.ts";
import type { FileMove } from "../store/journal-repo.ts";
import type { Store } from "../store/store.ts";
import { applyMoves, undoMoves } from "./file-moves.ts";
import type { Staging } from "./staging.ts";

/** Undoes one step of a change that failed later. */
export type Undo = () => void | Promise<void>;

export interface Change {
  journalId: number;
  home: string;
  staging: Staging;
  /** Paths (relative to home) of the current version that this change removes or replaces. */
  remove: readonly string[];
  /** Paths (relative to home) staged under `staging.tree` that this change puts in place. */
  add: readonly string[];
  sha256: string;
  /** The store writes of the change; they run in the same transaction that marks it done. */
  write: () => void;
  /**
   * Checks, right before the files move and with no wait in between, that nothing the change
   * takes was taken meanwhile by another change; throws to undo.
   */
  claim?: () => void;
  /** Stops what runs from the files that move (a portable plugin); gives back its undo. */
  release?: () => Promise<Undo>;
  /** Starts what the new files hold, once they are in place; gives back how to stop it again. */
  activate?: () => Promise<Undo>;
}

/**
 * Commits `changes` as one, step by step, each step's undo pushed as it succeeds: release
 * what runs from the old files, check the claims, move every change's files (every rename is
 * journalled before the first, so a crash is undone at the next start), activate the new
 * files, then write all the rows and mark every journal row done in one transaction. On
 * failure the undos run newest first, every journal row says why, and the error is thrown
 * again; either way the staging folders are removed.
 */
export async function commitChanges(store: Store, changes: readonly Change[]): Promise<void> {
  const moves = changes.map(planMoves);
  changes.forEach((change, i) => {
    store.journal.committing(change.journalId, moves[i] ?? [], change.sha256);
  });
  const undos: Undo[] = [];
  try {
    for (const change of changes) if (change.release) undos.push(await change.release());
    for (const change of changes) change.claim?.();
    for (const planned of moves) {
      applyMoves(planned);
      undos.push(() => undoMoves(planned));
    }
    for (const change of changes) if (change.activate) undos.push(await change.activate());
    store.transaction(() => {
      for (const change of changes) {
        change.write();
        store.journal.finish(change.journalId, "done");
      }
    });
  } catch (err) {
    for (const undo of undos.reverse()) await undo();
    for (const change of changes) {
      store.journal.finish(change.journalId, "failed", describeError(err));
    }
    throw err;
  } finally {
    for (const change of changes) change.staging.remove();
  }
}

function planMoves(change: Change): FileMove[] {
  const { home, staging } = change;
  const moves: FileMove[] = [];
  const displaced = new Set<string>();
  // Anything standing where the change writes, old version or stray file, goes to backup first.
  for (const rel of [...change.remove, ...change.add]) {
    if (displaced.has(rel) || !existsSync(join(home, rel))) continue;
    displaced.add(rel);
    moves.push({ from: join(home, rel), to: join(staging.backup, rel) });
  }
  for (const rel of change.add) {
    moves.push({ from: join(staging.tree, rel), to: join(home, rel) });
  }
  return moves;
}
