// Rows of installed plugins: what was asked for, what version came, which files it put where.
import type { Database } from "bun:sqlite";

export type NativeType = "sources" | "sinks" | "functions";
export type PluginKind = NativeType | "portables";

export interface PluginRecord {
  type: PluginKind;
  name: string;
  version: string;
  /** The create/update body as the client gave it. */
  request: Record<string, unknown>;
  sha256: string;
  /** Installed paths relative to the home folder. */
  files: string[];
  /** The function list given with create or register; null means "one function, the plugin's name". */
  functions: string[] | null;
  manifest: Record<string, unknown> | null;
  installedAt: string;
  updatedAt: string;
}

interface Row {
  type: string;
  name: string;
  version: string;
  request: string;
  sha256: string;
  files: string;
  functions: string | null;
  manifest: string | null;
  installed_at: string;
  updated_at: string;
}

function fromRow(row: Row): PluginRecord {
  return {
    type: row.type as PluginKind,
    name: row.name,
    version: row.version,
    request: JSON.parse(row.request) as Record<string, unknown>,
    sha256: row.sha256,
    files: JSON.parse(row.files) as string[],
    functions: row.functions === null ? null : (JSON.parse(row.functions) as string[]),
    manifest: row.manifest === null ? null : (JSON.parse(row.manifest) as Record<string, unknown>),
    installedAt: row.installed_at,
    updatedAt: row.updated_at,
  };
}

/** Typed access to the `plugins` table. */
export class PluginsRepo {
  /**
   * Sorted names per type, the hot read of GET /plugins/{type}. plugd is the only writer of its
   * store, so clearing this on every write (committed or not) keeps it true.
   */
  readonly #namesCache = new Map<PluginKind, readonly string[]>();

  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Names of one type, sorted. */
  names(type: PluginKind): readonly string[] {
    let names = this.#namesCache.get(type);
    if (!names) {
      names = Object.freeze(
        this.#db
          .query<{ name: string }, [string]>(
            "SELECT name FROM plugins WHERE type = ? ORDER BY name",
          )
          .all(type)
          .map((r) => r.name),
      );
      this.#namesCache.set(type, names);
    }
    return names;
  }

  get(type: PluginKind, name: string): PluginRecord | undefined {
    const row = this.#db
      .query<Row, [string, string]>("SELECT * FROM plugins WHERE type = ? AND name = ?")
      .get(type, name);
    return row ? fromRow(row) : undefined;
  }

  /** Inserts or replaces the row; `installedAt` of an existing row is kept. */
  put(record: PluginRecord): void {
    this.#namesCache.clear();
    this.#db
      .query(
        `INSERT INTO plugins (type, name, version, request, sha256, files, functions, manifest,
                              installed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (type, name) DO UPDATE SET version = excluded.version,
           request = excluded.request, sha256 = excluded.sha256, files = excluded.files,
           functions = excluded.functions, manifest = excluded.manifest,
           updated_at = excluded.updated_at`,
      )
      .run(
        record.type,
        record.name,
        record.version,
        JSON.stringify(record.request),
        record.sha256,
        JSON.stringify(record.files),
        record.functions === null ? null : JSON.stringify(record.functions),
        record.manifest === null ? null : JSON.stringify(record.manifest),
        record.installedAt,
        record.updatedAt,
      );
  }

  setFunctionList(type: PluginKind, name: string, functions: string[]): void {
    this.#db
      .query("UPDATE plugins SET functions = ?, updated_at = ? WHERE type = ? AND name = ?")
      .run(JSON.stringify(functions), new Date().toISOString(), type, name);
  }

  /** Every installed path with the plugin that owns it, for the one-owner-per-file rule. */
  fileOwners(): { type: PluginKind; name: string; path: string }[] {
    return this.#db
      .query<{ type: string; name: string; path: string }, []>(
        "SELECT p.type AS type, p.name AS name, f.value AS path FROM plugins AS p, json_each(p.files) AS f",
      )
      .all()
      .map((row) => ({ type: row.type as PluginKind, name: row.name, path: row.path }));
  }

  /** The manifests of the portable plugins, by name. */
  portableManifests(): { name: string; manifest: Record<string, unknown> }[] {
    return this.#db
      .query<{ name: string; manifest: string }, []>(
        "SELECT name, manifest FROM plugins WHERE type = 'portables' AND manifest IS NOT NULL",
      )
      .all()
      .map((row) => ({
        name: row.name,
        manifest: JSON.parse(row.manifest) as Record<string, unknown>,
      }));
  }

  /** Removes the row (its functions go with it, by cascade). */
  remove(type: PluginKind, name: string): void {
    this.#namesCache.clear();
    this.#db.query("DELETE FROM plugins WHERE type = ? AND name = ?").run(type, name);
  }
}
