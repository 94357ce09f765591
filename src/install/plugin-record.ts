// The one place a plugin's store row and its function registrations are written from.
import type { PluginRecord } from "../store/plugins-repo.ts";
import type { Store } from "../store/store.ts";

/** What an install or an adoption learnt about a plugin: its row, less the timestamps. */
export type PluginFacts = Omit<PluginRecord, "installedAt" | "updatedAt"> & {
  /** The names the plugin adds to the global function registry (none for sources and sinks). */
  registry: string[];
};

/**
 * Writes the plugin's row (the store keeps `installedAt` of a plugin being updated) and
 * replaces its functions in the registry. Call it inside a store transaction.
 */
export function savePlugin(store: Store, facts: PluginFacts): void {
  const now = new Date().toISOString();
  const { registry, ...record } = facts;
  store.plugins.put({
    ...record,
    files: [...record.files].sort(),
    installedAt: now,
    updatedAt: now,
  });
  store.functions.replace({ type: facts.type, name: facts.name }, registry);
}
