// The one row of `fleet_state`: what the fleet agent applied last, so a restart does not apply it again.
import type { Database } from "bun:sqlite";

export interface FleetState {
  /** sha256 of the desired document last applied in full; "" before the first. */
  appliedSha256: string;
  /** The last apply's report (applied, failed, refused or deferred), as JSON-able data. */
  lastApply: unknown;
}

/** Typed access to the `fleet_state` table. */
export class FleetRepo {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The stored state; an empty one before the agent ever wrote. */
  get(): FleetState {
    const row = this.#db
      .query<{ applied_sha256: string; last_apply: string }, []>(
        "SELECT applied_sha256, last_apply FROM fleet_state WHERE id = 1",
      )
      .get();
    if (!row) return { appliedSha256: "", lastApply: null };
    return { appliedSha256: row.applied_sha256, lastApply: JSON.parse(row.last_apply) as unknown };
  }

  put(state: FleetState): void {
    this.#db
      .query(
        `INSERT INTO fleet_state (id, applied_sha256, last_apply, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET applied_sha256 = excluded.applied_sha256,
           last_apply = excluded.last_apply, updated_at = excluded.updated_at`,
      )
      .run(state.appliedSha256, JSON.stringify(state.lastApply), new Date().toISOString());
  }
}
