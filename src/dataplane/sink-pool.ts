// SinkPool: sink instances kept open for later sends with the same properties, closed when idle.
import { describeError, tooManyRequests } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { SymbolControl } from "../portable/commands.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { SerialQueue } from "../supervisor/serial-queue.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { Properties } from "./properties.ts";
import { type SessionInfo, sessionOf } from "./session.ts";
import type { SessionIds } from "./session-ids.ts";

export interface SendRequest {
  readonly plugin: PortablePlugin;
  readonly sink: string;
  readonly properties: Properties;
  readonly client: string | undefined;
}

/** What a send answers: how many went, and each message the sink refused (its ack error). */
export interface SendResult {
  sent: number;
  failed?: { index: number; error: string }[];
}

interface Instance {
  readonly key: string;
  readonly plugin: PortablePlugin;
  readonly control: SymbolControl;
  readonly queue: SerialQueue;
  readonly since: string;
  readonly clients: Set<string>;
  started: Promise<void>;
  idle: ReturnType<typeof setTimeout> | undefined;
  messages: number;
  bytes: number;
}

/**
 * Sink instances one plugin may have open at once: each is a symbol start with its sockets,
 * so a client varying `props` must not open them without end.
 */
const maxSinksPerPlugin = 32;

/**
 * Sends the batch: in one write when the sink needs no acks (a failure fails all of it), else
 * one by one, so that each refused message is reported with its index.
 */
async function deliver(instance: Instance, bodies: Uint8Array[]): Promise<SendResult> {
  const count = (sent: Uint8Array[]) => {
    instance.messages += sent.length;
    instance.bytes += sent.reduce((sum, body) => sum + body.byteLength, 0);
  };
  if (instance.control.config?.requireAck !== true) {
    try {
      await instance.plugin.sendToSink(instance.control, ...bodies);
    } catch (err) {
      return { sent: 0, failed: bodies.map((_, index) => ({ index, error: describeError(err) })) };
    }
    count(bodies);
    return { sent: bodies.length };
  }
  const result: SendResult = { sent: 0 };
  for (const [index, body] of bodies.entries()) {
    try {
      await instance.plugin.sendToSink(instance.control, body);
      result.sent += 1;
      count([body]);
    } catch (err) {
      result.failed = [...(result.failed ?? []), { index, error: describeError(err) }];
    }
  }
  return result;
}

/**
 * One sink symbol start per plugin, sink and properties, reused by every send with them and
 * stopped `idleMs` after the last; sends to one instance go one at a time, in order.
 */
export class SinkPool {
  readonly #log: Logger;
  readonly #ids: SessionIds;
  readonly #idleMs: number;
  readonly #instances = new Map<string, Instance>();

  constructor(log: Logger, ids: SessionIds, idleMs: number) {
    this.#log = log.child({ module: "dataplane" });
    this.#ids = ids;
    this.#idleMs = idleMs;
  }

  /** Sends each message (as JSON) in order. Throws what the sink's start throws. */
  async send(request: SendRequest, messages: readonly unknown[]): Promise<SendResult> {
    const instance = this.#instanceFor(request);
    await instance.started;
    if (request.client !== undefined) instance.clients.add(request.client);
    const result = await instance.queue.run(async () => {
      // Closed for idleness while this send waited its turn: send on a new start instead.
      if (this.#instances.get(instance.key) !== instance) return undefined;
      clearTimeout(instance.idle);
      const encoder = new TextEncoder();
      const bodies = messages.map((message) => encoder.encode(JSON.stringify(message)));
      const result = await deliver(instance, bodies);
      instance.idle = setTimeout(() => void this.#close(instance), this.#idleMs);
      return result;
    });
    return result ?? this.send(request, messages);
  }

  /** The plugin stopped: its instances are gone with it. */
  stopped(pluginName: string): void {
    for (const instance of [...this.#instances.values()]) {
      if (instance.plugin.name !== pluginName) continue;
      clearTimeout(instance.idle);
      this.#instances.delete(instance.key);
    }
  }

  sessions(pluginName: string): SessionInfo[] {
    return [...this.#instances.values()]
      .filter((instance) => instance.plugin.name === pluginName)
      .map((instance) => sessionOf("sink", instance, [...instance.clients]));
  }

  /** Stops every instance (plugd stopping). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#instances.values()].map((instance) => this.#close(instance)));
  }

  #instanceFor(request: SendRequest): Instance {
    const key = canonicalJson([request.plugin.name, request.sink, request.properties]);
    const known = this.#instances.get(key);
    if (known) return known;
    const open = [...this.#instances.values()].filter((i) => i.plugin === request.plugin).length;
    if (open >= maxSinksPerPlugin) {
      throw tooManyRequests(
        `portable plugin ${request.plugin.name} has ${open} sink instances open, the most allowed; reuse their properties or wait until one is idle for dataplane.sinkIdle`,
      );
    }
    const control: SymbolControl = {
      symbolName: request.sink,
      pluginType: "sink",
      meta: { ruleId: this.#ids.next(), opId: "send", instanceId: 0 },
      config: request.properties,
    };
    const instance: Instance = {
      key,
      plugin: request.plugin,
      control,
      queue: new SerialQueue(),
      since: new Date().toISOString(),
      clients: new Set(),
      started: request.plugin.startSymbol(control),
      idle: undefined,
      messages: 0,
      bytes: 0,
    };
    this.#instances.set(key, instance);
    instance.started.catch(() => {
      if (this.#instances.get(key) === instance) this.#instances.delete(key);
    });
    return instance;
  }

  async #close(instance: Instance): Promise<void> {
    clearTimeout(instance.idle);
    if (this.#instances.get(instance.key) !== instance) return;
    this.#instances.delete(instance.key);
    await instance.queue.run(() =>
      instance.plugin.stopSymbol(instance.control).catch((error: unknown) => {
        this.#log.warn("could not stop an idle sink's symbol", { error });
      }),
    );
  }
}
