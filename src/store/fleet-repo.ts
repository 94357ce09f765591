// The one row of `fleet_state`: what the fleet agent applied last, so a restart does not apply it again.
import type { Database } from "bun:sqlite";

export interface FleetState {
  /** sha256 of the desired document last applied in full; "" before the first. */
  appliedSha256: string;
  /** The last apply's report (applied, failed, refused or deferred), as JSON-able data. */
  lastApply: unknown;
}

/** The newest signed desired state accepted: its issue time (ISO 8601) and document sha256. */
export interface AcceptedIssue {
  issued: string;
  sha256: string;
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

  /** The newest accepted signed desired state; undefined before the first. */
  accepted(): AcceptedIssue | undefined {
    const row = this.#db
      .query<{ accepted_issued: string; accepted_sha256: string }, []>(
        "SELECT accepted_issued, accepted_sha256 FROM fleet_state WHERE id = 1",
      )
      .get();
    if (!row || row.accepted_issued === "") return undefined;
    return { issued: row.accepted_issued, sha256: row.accepted_sha256 };
  }

  /** Records `issue` as the newest accepted, leaving the applied state as it is. */
  accept(issue: AcceptedIssue): void {
    this.#db
      .query(
        `INSERT INTO fleet_state (id, accepted_issued, accepted_sha256, updated_at)
         VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET accepted_issued = excluded.accepted_issued,
           accepted_sha256 = excluded.accepted_sha256, updated_at = excluded.updated_at`,
      )
      .run(issue.issued, issue.sha256, new Date().toISOString());
  }
}
