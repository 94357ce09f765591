// The store: one SQLite file and the typed repositories over it.
import type { Database } from "bun:sqlite";
import { openDatabase } from "./database.ts";
import { FleetRepo } from "./fleet-repo.ts";
import { FunctionsRepo } from "./functions-repo.ts";
import { JournalRepo } from "./journal-repo.ts";
import { PluginsRepo } from "./plugins-repo.ts";
import { UploadsRepo } from "./uploads-repo.ts";

export interface Store {
  readonly db: Database;
  readonly plugins: PluginsRepo;
  readonly functions: FunctionsRepo;
  readonly uploads: UploadsRepo;
  readonly journal: JournalRepo;
  readonly fleet: FleetRepo;
  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Opens the store file at `path` (created and migrated as needed). */
export function createStore(path: string): Store {
  const db = openDatabase(path);
  return {
    db,
    plugins: new PluginsRepo(db),
    functions: new FunctionsRepo(db),
    uploads: new UploadsRepo(db),
    journal: new JournalRepo(db),
    fleet: new FleetRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}
