// SourceHub: one running source instance per plugin, source, data source and properties, fanned out.
import type { Logger } from "../log/logger.ts";
import type { SymbolControl, SymbolMeta } from "../portable/commands.ts";
import type { SourceMessage } from "../portable/data-channels.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { Properties } from "./properties.ts";
import { type SessionInfo, type Subscriber, sessionOf } from "./session.ts";
import type { SessionIds } from "./session-ids.ts";

export interface SourceRequest {
  readonly plugin: PortablePlugin;
  readonly source: string;
  readonly dataSource: string;
  readonly properties: Properties;
}

interface Instance {
  readonly key: string;
  readonly pluginName: string;
  readonly plugin: PortablePlugin;
  readonly control: SymbolControl;
  readonly subscribers: Set<Subscriber>;
  readonly since: string;
  /** Settles once the symbol start has been answered; rejects with its error. */
  started: Promise<void>;
  messages: number;
  bytes: number;
}

/**
 * Subscribers with the same plugin, source, data source and properties share one symbol start
 * (eKuiper starts one per rule); the start stops when the last subscriber leaves. A subscriber
 * whose queue is full is ended alone.
 */
export class SourceHub {
  readonly #log: Logger;
  readonly #ids: SessionIds;
  readonly #byKey = new Map<string, Instance>();
  /** Per plugin, its instances by the rule id their start carries. */
  readonly #byRule = new Map<string, Map<string, Instance>>();

  constructor(log: Logger, ids: SessionIds) {
    this.#log = log.child({ module: "dataplane" });
    this.#ids = ids;
  }

  /**
   * Adds `subscriber` to the instance for `request`, starting it first if it is new. Throws
   * what the start throws (400 not running, the plugin's refusal); the subscriber is then not
   * added. Returns how to leave.
   */
  async subscribe(request: SourceRequest, subscriber: Subscriber): Promise<() => Promise<void>> {
    const key = canonicalJson([
      request.plugin.name,
      request.source,
      request.dataSource,
      request.properties,
    ]);
    let instance = this.#byKey.get(key);
    if (!instance) instance = this.#start(key, request);
    await instance.started;
    instance.subscribers.add(subscriber);
    const joined = instance;
    return () => this.#leave(joined, subscriber);
  }

  /** A message a source of plugin `pluginName` pushed (PortableHost hands every one here). */
  deliver(pluginName: string, meta: SymbolMeta, data: SourceMessage, bytes: number): void {
    const instance = this.#byRule.get(pluginName)?.get(meta.ruleId);
    if (!instance) return;
    instance.messages++;
    instance.bytes += bytes;
    for (const subscriber of instance.subscribers) {
      if (subscriber.push({ kind: "message", data })) continue;
      subscriber.end("this client fell behind: its queue was full");
      void this.#leave(instance, subscriber);
    }
  }

  /** The plugin's new process has its starts replayed: every stream goes on, saying so. */
  restarted(pluginName: string): void {
    for (const instance of this.#byRule.get(pluginName)?.values() ?? []) {
      for (const subscriber of instance.subscribers) subscriber.push({ kind: "restart" });
    }
  }

  /** The plugin stopped (deleted, updated, plugd stopping): its streams end with `reason`. */
  stopped(pluginName: string, reason: string): void {
    const instances = this.#byRule.get(pluginName);
    this.#byRule.delete(pluginName);
    for (const instance of instances?.values() ?? []) {
      this.#byKey.delete(instance.key);
      for (const subscriber of instance.subscribers) subscriber.end(reason);
      instance.subscribers.clear();
    }
  }

  /** The plugin's source sessions, for its sessions list and refCount. */
  sessions(pluginName: string): SessionInfo[] {
    return [...(this.#byRule.get(pluginName)?.values() ?? [])].map((instance) =>
      sessionOf(
        "source",
        instance,
        [...instance.subscribers].map((s) => s.client ?? "unknown"),
      ),
    );
  }

  #start(key: string, request: SourceRequest): Instance {
    const ruleId = this.#ids.next();
    const control: SymbolControl = {
      symbolName: request.source,
      pluginType: "source",
      meta: { ruleId, opId: "stream", instanceId: 0 },
      ...(request.dataSource !== "" && { dataSource: request.dataSource }),
      config: request.properties,
    };
    const instance: Instance = {
      key,
      pluginName: request.plugin.name,
      plugin: request.plugin,
      control,
      subscribers: new Set(),
      since: new Date().toISOString(),
      started: Promise.resolve(),
      messages: 0,
      bytes: 0,
    };
    this.#byKey.set(key, instance);
    const rules = this.#byRule.get(instance.pluginName) ?? new Map<string, Instance>();
    rules.set(ruleId, instance);
    this.#byRule.set(instance.pluginName, rules);
    instance.started = request.plugin.startSymbol(control).catch((err: unknown) => {
      this.#forget(instance);
      throw err;
    });
    return instance;
  }

  async #leave(instance: Instance, subscriber: Subscriber): Promise<void> {
    instance.subscribers.delete(subscriber);
    if (instance.subscribers.size > 0 || this.#byKey.get(instance.key) !== instance) return;
    this.#forget(instance);
    await instance.plugin.stopSymbol(instance.control).catch((error: unknown) => {
      this.#log.warn("could not stop a source stream's symbol", { error });
    });
  }

  #forget(instance: Instance): void {
    if (this.#byKey.get(instance.key) === instance) this.#byKey.delete(instance.key);
    const ruleId = instance.control.meta?.ruleId ?? "";
    const rules = this.#byRule.get(instance.pluginName);
    if (rules?.get(ruleId) === instance) rules.delete(ruleId);
  }
}
