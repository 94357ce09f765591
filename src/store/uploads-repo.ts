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
  constructor(private readonly db: Database) {}

  all(): UploadRecord[] {
    return this.db
      .query<{ name: string; size: number; sha256: string; created_at: string }, []>(
        "SELECT * FROM uploads ORDER BY name",
      )
      .all()
      .map((r) => ({ name: r.name, size: r.size, sha256: r.sha256, createdAt: r.created_at }));
  }

  put(record: UploadRecord): void {
    this.db
      .query(
        `INSERT INTO uploads (name, size, sha256, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
           created_at = excluded.created_at`,
      )
      .run(record.name, record.size, record.sha256, record.createdAt);
  }

  remove(name: string): void {
    this.db.query("DELETE FROM uploads WHERE name = ?").run(name);
  }
}
