// PluginSymbols: starting, stopping, calling and replaying one plugin's symbols over its channels.

import { badRequest, describeError, internal } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import {
  EMPTY_META,
  type FuncMeta,
  type FuncReply,
  type FunctionCall,
  type SymbolControl,
} from "./commands.ts";
import type { ControlChannel } from "./control-channel.ts";
import type { PortableManifest } from "./manifest.ts";
import { describeSymbol, StartRegistry } from "./start-registry.ts";
import type { SymbolChannels } from "./symbol-channels.ts";

export interface PluginSymbolsOptions {
  readonly name: string;
  readonly manifest: PortableManifest;
  readonly log: Logger;
  /** The control channel while the plugin runs; throws 400 otherwise. */
  readonly running: () => ControlChannel;
}

const LISTS = { source: "sources", sink: "sinks", func: "functions" } as const;

/** The symbols' side of a PortablePlugin; sockets come from the attached SymbolChannels. */
export class PluginSymbols {
  readonly #options: PluginSymbolsOptions;
  readonly #starts = new StartRegistry();
  #channels: SymbolChannels | null = null;
  #replayErrors: string[] = [];

  constructor(options: PluginSymbolsOptions) {
    this.#options = options;
  }

  /** Uses `channels` from now on (at plugin start). */
  attach(channels: SymbolChannels): void {
    this.#channels = channels;
  }

  /** Forgets every start and closes every symbol socket (at plugin stop). */
  async detach(): Promise<void> {
    const channels = this.#channels;
    this.#channels = null;
    this.#starts.clear();
    this.#replayErrors = [];
    await channels?.closeAll();
  }

  interrupt(reason: Error): void {
    this.#channels?.interrupt(reason);
  }

  refCount(): Record<string, number> {
    return this.#starts.refCount();
  }

  /** Why some starts could not be replayed to the current process, or "". */
  replayErrors(): string {
    return this.#replayErrors.join("; ");
  }

  async start(request: SymbolControl): Promise<void> {
    const control = this.#check(request);
    const channel = this.#options.running();
    const channels = this.#need();
    const undo = await channels.prepare(control);
    try {
      await channel.command("start", control);
    } catch (err) {
      await undo();
      throw err;
    }
    try {
      await channels.connect(control);
    } catch (err) {
      await channel.command("stop", control).catch((error: unknown) => {
        this.#options.log.warn("could not stop a symbol after a failed start", { error });
      });
      await undo();
      throw err;
    }
    this.#starts.add(control);
    this.#options.log.info("symbol started", { symbol: describeSymbol(control) });
  }

  async stop(request: SymbolControl): Promise<void> {
    const control = this.#check(request);
    if (!this.#starts.remove(control)) {
      throw badRequest(
        `${describeSymbol(control)} of portable plugin ${this.#options.name} is not started`,
      );
    }
    const channels = this.#need();
    if (control.pluginType === "func") {
      if (!this.#starts.hasFunction(control.symbolName))
        await channels.closeFunction(control.symbolName);
      return;
    }
    await channels.release(control);
    let channel: ControlChannel;
    try {
      channel = this.#options.running();
    } catch {
      // No process to tell; the next one will not get this start replayed.
      return;
    }
    await channel.command("stop", control);
  }

  async call(
    symbol: string,
    func: FunctionCall,
    arg: unknown,
    meta?: FuncMeta,
  ): Promise<FuncReply> {
    this.#check({ symbolName: symbol, pluginType: "func" });
    this.#options.running();
    if (!this.#need().function(symbol))
      await this.start({ symbolName: symbol, pluginType: "func" });
    const channel = this.#need().function(symbol);
    if (channel === undefined) throw internal(`function ${symbol} has no channel after its start`);
    return channel.call(func, arg, meta);
  }

  async send(request: SymbolControl, bytes: Uint8Array): Promise<void> {
    const control = this.#check(request);
    const sink = control.pluginType === "sink" ? this.#need().sink(control) : undefined;
    if (sink === undefined) {
      throw badRequest(
        `${describeSymbol(control)} of portable plugin ${this.#options.name} is not started`,
      );
    }
    await sink.send(bytes);
  }

  /**
   * A new process shook hands: function sockets take its connections, and every recorded
   * start is sent again, one at a time. A refused start is logged and shown in errMsg; if the
   * process dies meanwhile (`alive` false) the error is thrown.
   */
  async replay(control: ControlChannel, alive: () => boolean): Promise<void> {
    this.#channels?.expectNewPeer();
    const errors: string[] = [];
    const entries = this.#starts.entries();
    for (const entry of entries) {
      try {
        await control.command("start", entry);
      } catch (err) {
        if (!alive()) throw err;
        errors.push(`replaying start ${describeSymbol(entry)} failed: ${describeError(err)}`);
        this.#options.log.error("replaying a start failed", {
          symbol: describeSymbol(entry),
          error: err,
        });
      }
    }
    this.#replayErrors = errors;
    if (entries.length > 0)
      this.#options.log.info("start commands replayed", { count: entries.length });
  }

  /** A copy of `request` with its meta filled in; 400 for a symbol the manifest does not list. */
  #check(request: SymbolControl): SymbolControl {
    const list = LISTS[request.pluginType];
    if (list === undefined) throw badRequest(`invalid plugin type ${String(request.pluginType)}`);
    const names = this.#options.manifest[list];
    if (!names.includes(request.symbolName)) {
      const known = names.length === 0 ? "none" : names.join(", ");
      throw badRequest(
        `portable plugin ${this.#options.name} has no ${request.pluginType} named ${request.symbolName} (its ${list}: ${known})`,
      );
    }
    return structuredClone({ ...request, meta: request.meta ?? EMPTY_META });
  }

  #need(): SymbolChannels {
    if (this.#channels === null)
      throw badRequest(`portable plugin ${this.#options.name} is stopped`);
    return this.#channels;
  }
}
