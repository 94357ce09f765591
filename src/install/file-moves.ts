// Renames that put a change in place, and their undoing; the journal holds the list first.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import type { FileMove } from "../store/journal-repo.ts";

/** Performs the renames in order, creating parent folders. Throws on the first that fails. */
export function applyMoves(moves: readonly FileMove[]): void {
  for (const move of moves) {
    mkdirSync(dirname(move.to), { recursive: true });
    renameSync(move.from, move.to);
  }
}

/**
 * Undoes whatever part of `moves` took place, last first. A move counts as done when its
 * target exists and its source does not, which also holds after a crash part-way through.
 */
export function undoMoves(moves: readonly FileMove[]): void {
  for (const move of [...moves].reverse()) {
    if (existsSync(move.to) && !existsSync(move.from)) {
      mkdirSync(dirname(move.from), { recursive: true });
      renameSync(move.to, move.from);
    }
  }
}
