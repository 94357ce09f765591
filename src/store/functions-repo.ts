// The global UDF registry: every function name, and the plugin (native or portable) that owns it.
import type { Database } from "bun:sqlite";
import type { PluginKind } from "./plugins-repo.ts";

export interface FunctionOwner {
  type: PluginKind;
  name: string;
}

/** Typed access to the `functions` table; names are unique across all plugins. */
export class FunctionsRepo {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Every registered function name, sorted. */
  names(): string[] {
    return this.#db
      .query<{ name: string }, []>("SELECT name FROM functions ORDER BY name")
      .all()
      .map((r) => r.name);
  }

  owner(fn: string): FunctionOwner | undefined {
    const row = this.#db
      .query<{ plugin_type: string; plugin_name: string }, [string]>(
        "SELECT plugin_type, plugin_name FROM functions WHERE name = ?",
      )
      .get(fn);
    return row ? { type: row.plugin_type as PluginKind, name: row.plugin_name } : undefined;
  }

  /** The names in `wanted` that some other plugin already owns. */
  clashes(wanted: readonly string[], self: FunctionOwner): string[] {
    return wanted.filter((fn) => {
      const owner = this.owner(fn);
      return owner !== undefined && (owner.type !== self.type || owner.name !== self.name);
    });
  }

  /** Makes `fns` the plugin's whole function list. Run inside a transaction with the clash check. */
  replace(self: FunctionOwner, fns: readonly string[]): void {
    this.#db
      .query("DELETE FROM functions WHERE plugin_type = ? AND plugin_name = ?")
      .run(self.type, self.name);
    const insert = this.#db.query(
      "INSERT INTO functions (name, plugin_type, plugin_name) VALUES (?, ?, ?)",
    );
    for (const fn of fns) insert.run(fn, self.type, self.name);
  }
}
