// Install records: one row per create/update/delete, and the journal that crash recovery reads.
import type { Database } from "bun:sqlite";
import { InternalError } from "../errors.ts";
import type { PluginKind } from "./plugins-repo.ts";

export type JournalOp = "create" | "update" | "delete";
/** staging: files only in the staging folder; committing: files being moved into place. */
export type JournalState = "staging" | "committing" | "done" | "failed" | "rolledback";

/** One rename of the commit; undone in reverse order by moving `to` back to `from`. */
export interface FileMove {
  from: string;
  to: string;
}

export interface JournalEntry {
  id: number;
  type: PluginKind;
  name: string;
  op: JournalOp;
  state: JournalState;
  staging: string;
  moves: FileMove[];
  request: Record<string, unknown>;
  sha256: string;
  error: string;
  startedAt: string;
  finishedAt: string | null;
}

interface Row {
  id: number;
  type: string;
  name: string;
  op: string;
  state: string;
  staging: string;
  moves: string;
  request: string;
  sha256: string;
  error: string;
  started_at: string;
  finished_at: string | null;
}

function fromRow(r: Row): JournalEntry {
  return {
    id: r.id,
    type: r.type as PluginKind,
    name: r.name,
    op: r.op as JournalOp,
    state: r.state as JournalState,
    staging: r.staging,
    moves: JSON.parse(r.moves) as FileMove[],
    request: JSON.parse(r.request) as Record<string, unknown>,
    sha256: r.sha256,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Typed access to the `journal` table. */
export class JournalRepo {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Records the start of a change whose files live in `staging` until commit; returns its id. */
  begin(type: PluginKind, name: string, op: JournalOp, staging: string, request: object): number {
    const row = this.#db
      .query<{ id: number }, [string, string, string, string, string, string]>(
        `INSERT INTO journal (type, name, op, state, staging, request, started_at)
         VALUES (?, ?, ?, 'staging', ?, ?, ?) RETURNING id`,
      )
      .get(type, name, op, staging, JSON.stringify(request), new Date().toISOString());
    if (!row) throw new InternalError("journal insert returned no id");
    return row.id;
  }

  /** Writes the full list of renames before the first one happens. */
  committing(id: number, moves: FileMove[], sha256: string): void {
    this.#db
      .query("UPDATE journal SET state = 'committing', moves = ?, sha256 = ? WHERE id = ?")
      .run(JSON.stringify(moves), sha256, id);
  }

  finish(id: number, state: "done" | "failed" | "rolledback", error = ""): void {
    this.#db
      .query("UPDATE journal SET state = ?, error = ?, finished_at = ? WHERE id = ?")
      .run(state, error, new Date().toISOString(), id);
  }

  /** Changes that a crash interrupted. */
  unfinished(): JournalEntry[] {
    return this.#db
      .query<Row, []>(
        "SELECT * FROM journal WHERE state IN ('staging', 'committing') ORDER BY id DESC",
      )
      .all()
      .map(fromRow);
  }
}
