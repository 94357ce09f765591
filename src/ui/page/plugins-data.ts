// What the plugin list shows, read through the public API: names, versions, portable status.
import { ApiError, getJson } from "./api.ts";

export const kinds = ["sources", "sinks", "functions", "portables"] as const;
export type Kind = (typeof kinds)[number];

/** GET /plugins/portables: eKuiper's PluginInfo. */
export interface PortableInfo {
  name: string;
  version: string;
  language: string;
  sources: string[];
  sinks: string[];
  functions: string[];
}

/** GET /plugins/portables/{name}/status. */
export interface PortableStatus {
  refCount: Record<string, number>;
  status: "initializing" | "running" | "error" | "stop";
  errMsg: string;
  pid: number;
  restarts: number;
  startedAt: string | null;
}

/** GET /plugins/{type}/{name} of a native plugin. */
export interface NativeDescription {
  name: string;
  version: string;
  functions?: string[];
}

export interface PluginEntry {
  readonly kind: Kind;
  readonly name: string;
  /** Known once described (natives) or listed (portables). */
  version?: string;
  functions?: string[];
  portable?: PortableInfo;
  status?: PortableStatus;
}

/** The plugins plugd has, kept between polls; natives are described once, in the background. */
export class PluginModel {
  readonly entries = new Map<string, PluginEntry>();
  readonly #described = new Map<string, NativeDescription>();
  #describing: Promise<void> | undefined;

  /** Reads every list and each portable's status; entries no longer listed go. */
  async refresh(): Promise<void> {
    const [sources, sinks, functions, portables] = await Promise.all([
      getJson<string[]>("/plugins/sources"),
      getJson<string[]>("/plugins/sinks"),
      getJson<string[]>("/plugins/functions"),
      getJson<PortableInfo[]>("/plugins/portables"),
    ]);
    const statuses = await Promise.all(portables.map((p) => statusOf(p.name)));
    const next = new Map<string, PluginEntry>();
    const natives = { sources, sinks, functions };
    for (const [kind, names] of Object.entries(natives) as [Kind, string[]][]) {
      for (const name of names) next.set(keyOf(kind, name), this.#native(kind, name));
    }
    portables.forEach((info, index) => {
      const status = statuses[index];
      const entry: PluginEntry = { kind: "portables", name: info.name, version: info.version };
      entry.functions = info.functions;
      entry.portable = info;
      if (status) entry.status = status;
      next.set(keyOf("portables", info.name), entry);
    });
    this.entries.clear();
    for (const [key, entry] of next) this.entries.set(key, entry);
  }

  /** Which plugin exports each function, as far as the lists and descriptions read so far say. */
  functionOwners(): Map<string, string> {
    const owners = new Map<string, string>();
    for (const entry of this.entries.values()) {
      for (const fn of entry.functions ?? []) owners.set(fn, `${entry.kind} plugin ${entry.name}`);
    }
    return owners;
  }

  /** Forgets what was described of a plugin (after an update or delete). */
  forget(kind: Kind, name: string): void {
    this.#described.delete(keyOf(kind, name));
  }

  /**
   * Describes the natives not yet described, four at a time, calling `onEach` as each arrives;
   * one run at a time.
   */
  describeMissing(onEach: (entry: PluginEntry) => void): Promise<void> {
    this.#describing ??= this.#describeAll(onEach).finally(() => {
      this.#describing = undefined;
    });
    return this.#describing;
  }

  async #describeAll(onEach: (entry: PluginEntry) => void): Promise<void> {
    const queue = [...this.entries.values()].filter(
      (e) => e.kind !== "portables" && !this.#described.has(keyOf(e.kind, e.name)),
    );
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const found = await describeNative(entry.kind, entry.name);
        if (!found) continue;
        this.#described.set(keyOf(entry.kind, entry.name), found);
        Object.assign(entry, this.#native(entry.kind, entry.name));
        onEach(entry);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  #native(kind: Kind, name: string): PluginEntry {
    const described = this.#described.get(keyOf(kind, name));
    const entry: PluginEntry = { kind, name };
    if (described) entry.version = described.version;
    if (described?.functions) entry.functions = described.functions;
    else if (described && kind === "functions") entry.functions = [name];
    return entry;
  }
}

export function keyOf(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/** A portable's status; undefined when it went away between the list and this request. */
async function statusOf(name: string): Promise<PortableStatus | undefined> {
  try {
    return await getJson<PortableStatus>(`/plugins/portables/${encodeURIComponent(name)}/status`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function describeNative(kind: Kind, name: string): Promise<NativeDescription | undefined> {
  try {
    return await getJson<NativeDescription>(`/plugins/${kind}/${encodeURIComponent(name)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
