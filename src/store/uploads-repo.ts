// Rows of files stored through /config/uploads.
import type { Database } from "bun:sqlite";

export interface UploadRecord {
  name: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** Typed access to the `uploads` table. */
export class UploadsRepo {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get(name: string): UploadRecord | undefined {
    const row = this.#db
      .query<{ name: string; size: number; sha256: string; created_at: string }, [string]>(
        "SELECT * FROM uploads WHERE name = ?",
      )
      .get(name);
    if (!row) return undefined;
    return { name: row.name, size: row.size, sha256: row.sha256, createdAt: row.created_at };
  }

  put(record: UploadRecord): void {
    this.#db
      .query(
        `INSERT INTO uploads (name, size, sha256, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
           created_at = excluded.created_at`,
      )
      .run(record.name, record.size, record.sha256, record.createdAt);
  }

  remove(name: string): void {
    this.#db.query("DELETE FROM uploads WHERE name = ?").run(name);
  }
}
