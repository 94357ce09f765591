// PluginSymbols: the symbols started on one plugin, and how to start, stop, call and replay them.

import { badRequest, describeError, internal } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import {
  EMPTY_META,
  type FuncMeta,
  type FuncReply,
  type FunctionCall,
  type SymbolControl,
} from "./commands.ts";
import type { PortableManifest } from "./manifest.ts";
import type { PluginSockets } from "./plugin-sockets.ts";
import { describeSymbol, StartRegistry } from "./start-registry.ts";

const LISTS = { source: "sources", sink: "sinks", func: "functions" } as const;

/**
 * A copy of `request` with its meta filled in; 400 for a symbol the manifest does not list.
 */
export function checkSymbol(
  pluginName: string,
  manifest: PortableManifest,
  request: SymbolControl,
): SymbolControl {
  const list = LISTS[request.pluginType];
  if (list === undefined) throw badRequest(`invalid plugin type ${String(request.pluginType)}`);
  const names = manifest[list];
  if (!names.includes(request.symbolName)) {
    const known = names.length === 0 ? "none" : names.join(", ");
    throw badRequest(
      `portable plugin ${pluginName} has no ${request.pluginType} named ${request.symbolName} (its ${list}: ${known})`,
    );
  }
  return structuredClone({ ...request, meta: request.meta ?? EMPTY_META });
}

/**
 * The recorded starts of one plugin (its refCount, and what a new process is sent again) and
 * the operations on them. Each operation is given the plugin's sockets; the starts are the
 * only state kept here. Controls passed in have been through checkSymbol().
 */
export class PluginSymbols {
  readonly #name: string;
  readonly #log: Logger;
  readonly #starts = new StartRegistry();
  #replayErrors: string[] = [];

  constructor(name: string, log: Logger) {
    this.#name = name;
    this.#log = log;
  }

  /** Forgets every start (the plugin stopped). */
  clear(): void {
    this.#starts.clear();
    this.#replayErrors = [];
  }

  refCount(): Record<string, number> {
    return this.#starts.refCount();
  }

  /** Why some starts could not be replayed to the current process, or "". */
  replayErrors(): string {
    return this.#replayErrors.join("; ");
  }

  /** Opens the symbol's sockets, sends `start`, (sinks) dials; records it. `sockets` are live. */
  async start(sockets: PluginSockets, control: SymbolControl): Promise<void> {
    const undo = await sockets.prepare(control);
    try {
      await sockets.control.command("start", control);
    } catch (err) {
      await undo();
      throw err;
    }
    try {
      await sockets.connect(control);
    } catch (err) {
      await sockets.control.command("stop", control).catch((error: unknown) => {
        this.#log.warn("could not stop a symbol after a failed start", { error });
      });
      await undo();
      throw err;
    }
    this.#starts.add(control);
    this.#log.info("symbol started", { symbol: describeSymbol(control) });
  }

  /**
   * Forgets the start and closes its sockets; sends `stop` when the process runs (`running`).
   * Throws 400 if it is not started.
   */
  async stop(sockets: PluginSockets | null, control: SymbolControl, running: boolean) {
    if (!this.#starts.remove(control)) throw this.#notStarted(control);
    if (sockets === null) throw badRequest(`portable plugin ${this.#name} is stopped`);
    if (control.pluginType === "func") {
      if (!this.#starts.hasFunction(control.symbolName))
        await sockets.closeFunction(control.symbolName);
      return;
    }
    await sockets.release(control);
    // With no process to tell, the next one simply does not get this start replayed.
    if (running) await sockets.control.command("stop", control);
  }

  /** Calls a function, starting it first if needed. `sockets` are live. */
  async call(
    sockets: PluginSockets,
    symbol: string,
    func: FunctionCall,
    arg: unknown,
    meta?: FuncMeta,
  ): Promise<FuncReply> {
    if (!sockets.function(symbol)) {
      await this.start(sockets, { symbolName: symbol, pluginType: "func", meta: EMPTY_META });
    }
    const channel = sockets.function(symbol);
    if (channel === undefined) throw internal(`function ${symbol} has no channel after its start`);
    return channel.call(func, arg, meta);
  }

  /** Pushes raw bytes to a started sink. */
  async send(sockets: PluginSockets, control: SymbolControl, bodies: readonly Uint8Array[]) {
    const sink = control.pluginType === "sink" ? sockets.sink(control) : undefined;
    if (sink === undefined) throw this.#notStarted(control);
    await sink.sendAll(bodies);
  }

  /**
   * A new process shook hands: every recorded start is sent again, one at a time. A refused
   * start is logged and shown in errMsg; if the process dies meanwhile (`alive` false) the
   * error is thrown.
   */
  async replay(sockets: PluginSockets, alive: () => boolean): Promise<void> {
    const errors: string[] = [];
    const entries = this.#starts.entries();
    for (const entry of entries) {
      try {
        await sockets.control.command("start", entry);
      } catch (err) {
        if (!alive()) throw err;
        errors.push(`replaying start ${describeSymbol(entry)} failed: ${describeError(err)}`);
        this.#log.error("replaying a start failed", { symbol: describeSymbol(entry), error: err });
      }
    }
    this.#replayErrors = errors;
    if (entries.length > 0) this.#log.info("start commands replayed", { count: entries.length });
  }

  #notStarted(control: SymbolControl): Error {
    return badRequest(`${describeSymbol(control)} of portable plugin ${this.#name} is not started`);
  }
}
