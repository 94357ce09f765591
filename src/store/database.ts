// Opens plugd's SQLite file (WAL mode) and brings its schema up to date with numbered migrations.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { InternalError } from "../errors.ts";
import { migrations } from "./migrations.ts";

/**
 * Opens (creating if needed) the store at `path`, sets the pragmas plugd relies on and applies
 * every migration the file has not seen. Throws InternalError when the file is newer than this plugd.
 */
export function openDatabase(path: string): Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  // FULL: a row that says "installed" must survive power loss as well as the files do.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Database): void {
  const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
  const current = row?.user_version ?? 0;
  if (current > migrations.length) {
    throw new InternalError(
      `the store was written by a newer plugd (schema ${current}, this one knows ${migrations.length})`,
    );
  }
  const apply = db.transaction(() => {
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version] ?? "");
      db.exec(`PRAGMA user_version = ${version + 1}`);
    }
  });
  apply();
}
