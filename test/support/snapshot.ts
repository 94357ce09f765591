// A picture of a home folder (files and their bytes' hashes) and of the store, to compare.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { TestServer } from "./server.ts";

/** Every file and folder under the home except the store file, its WAL, logs and pid files. */
export function treeOf(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(home, path);
      // Runtime state, not install state: the store's own files, logs and running plugins' pids.
      if (/^(data\/plugd\.db|log\/|data\/pids\/.)/.test(rel)) continue;
      const stat = statSync(path);
      if (stat.isDirectory()) {
        out[`${rel}/`] = "dir";
        walk(path);
      } else {
        out[rel] = Bun.hash(readFileSync(path)).toString(16);
      }
    }
  };
  walk(home);
  return out;
}

/** The store's plugin and function rows. */
export function rowsOf(server: TestServer): unknown {
  const { store } = server.plugd.ctx;
  return {
    // Read straight from the table: the repository has no "all rows" query of its own.
    plugins: store.db
      .query("SELECT * FROM plugins ORDER BY type, name")
      .all()
      .map((row) => {
        const { installed_at: _i, updated_at: _u, ...rest } = row as Record<string, unknown>;
        return rest;
      }),
    functions: store.functions.names().map((fn) => [fn, store.functions.owner(fn)]),
  };
}

/** Home tree and rows together: what "nothing changed" is checked against. */
export function snapshot(server: TestServer): { tree: Record<string, string>; rows: unknown } {
  return { tree: treeOf(server.home), rows: rowsOf(server) };
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The states of one plugin's journal records, newest first, read straight from the table. */
export function journalStates(server: TestServer, type: string, name: string): string[] {
  return server.plugd.ctx.store.db
    .query<{ state: string }, [string, string]>(
      "SELECT state FROM journal WHERE type = ? AND name = ? ORDER BY id DESC",
    )
    .all(type, name)
    .map((row) => row.state);
}
