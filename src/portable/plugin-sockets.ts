// PluginSockets: every host-side socket of one running plugin: control, functions, sources, sinks.

import { badRequest } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { dataUrl } from "./addresses.ts";
import { EMPTY_META, type SymbolControl } from "./commands.ts";
import { ControlChannel } from "./control-channel.ts";
import { SinkChannel, SourceChannel, type SourceListener } from "./data-channels.ts";
import { FunctionChannel } from "./function-channel.ts";
import { describeSymbol } from "./start-registry.ts";

export interface PluginSocketsOptions {
  readonly pluginName: string;
  readonly socketDir: string;
  readonly logger: Logger;
  /** Deadline of control commands, sink sends and acks. */
  readonly timeoutMs: number;
  readonly onSourceData?: SourceListener | undefined;
}

type Undo = () => Promise<void>;
const nothing: Undo = async () => {};

/**
 * The control socket, function REP sockets (one per symbol), source PULL listeners and sink
 * sockets (one per data address), opened in B.3–B.6 order. They stay open while the plugin
 * restarts: the new process dials them again when its start commands are replayed.
 */
export class PluginSockets {
  readonly control: ControlChannel;
  readonly #options: PluginSocketsOptions;
  readonly #functions = new Map<string, FunctionChannel>();
  readonly #sources = new Map<string, SourceChannel>();
  readonly #sinks = new Map<string, SinkChannel>();

  /** Throws 400 when the control socket's path would be too long. */
  constructor(options: PluginSocketsOptions) {
    this.#options = options;
    this.control = new ControlChannel({
      name: options.pluginName,
      logger: options.logger,
      socketDir: options.socketDir,
      commandTimeoutMs: options.timeoutMs,
    });
  }

  /** Listens on the control address; throws 400 when another live process owns it. */
  listen(): Promise<void> {
    return this.control.listen();
  }

  /**
   * Opens what must listen before `start` is sent: a function's REP (unless open already), a
   * source's PULL, a sink's ack PULL. Returns how to close it again if `start` fails. Throws
   * 400 when the address is in use (the same rule operator started twice) or too long.
   */
  async prepare(control: SymbolControl): Promise<Undo> {
    const base = this.#base(control);
    if (control.pluginType === "func") {
      if (this.#functions.has(control.symbolName)) return nothing;
      const channel = new FunctionChannel({ ...this.#options, symbol: control.symbolName });
      await channel.listen();
      this.#functions.set(control.symbolName, channel);
      return () => this.closeFunction(control.symbolName);
    }
    const url = this.#url(control);
    if (this.#sources.has(url) || this.#sinks.has(url)) {
      throw badRequest(
        `cannot start ${describeSymbol(control)}: ${url} is already used by a running symbol`,
      );
    }
    try {
      if (control.pluginType === "source") {
        const source = new SourceChannel(base);
        this.#sources.set(url, source);
        await source.listen(this.#options.onSourceData);
      } else {
        const sink = new SinkChannel(base, this.#options.timeoutMs);
        this.#sinks.set(url, sink);
        await sink.listenAck();
      }
    } catch (err) {
      await this.release(control);
      throw err;
    }
    return () => this.release(control);
  }

  /** After the plugin answered `ok`: a sink dials the plugin's data listener. Throws 400. */
  async connect(control: SymbolControl): Promise<void> {
    if (control.pluginType !== "sink") return;
    await this.sink(control)?.connect();
  }

  /** Closes a source's or sink's sockets. */
  async release(control: SymbolControl): Promise<void> {
    const url = this.#url(control);
    const channel = this.#sources.get(url) ?? this.#sinks.get(url);
    this.#sources.delete(url);
    this.#sinks.delete(url);
    await channel?.close();
  }

  async closeFunction(symbol: string): Promise<void> {
    const channel = this.#functions.get(symbol);
    this.#functions.delete(symbol);
    await channel?.close();
  }

  function(symbol: string): FunctionChannel | undefined {
    return this.#functions.get(symbol);
  }

  /** The sink channel started with this control's meta, if any. */
  sink(control: SymbolControl): SinkChannel | undefined {
    return this.#sinks.get(this.#url(control));
  }

  /** A new process is starting: the REP sockets ignore the connections open now. */
  expectNewPeer(): void {
    this.control.expectNewPeer();
    for (const channel of this.#functions.values()) channel.expectNewPeer();
  }

  /** Fails what waits on the plugin with `reason` until expectNewPeer(). */
  interrupt(reason: Error): void {
    this.control.interrupt(reason);
    for (const channel of this.#functions.values()) channel.interrupt(reason);
  }

  /** Closes every socket (their files are removed); what waits on them fails. */
  async close(): Promise<void> {
    const all = [
      this.control,
      ...this.#functions.values(),
      ...this.#sources.values(),
      ...this.#sinks.values(),
    ];
    this.#functions.clear();
    this.#sources.clear();
    this.#sinks.clear();
    await Promise.all(all.map((channel) => channel.close()));
  }

  #base(control: SymbolControl) {
    const { pluginName, socketDir, logger } = this.#options;
    const log = logger.child({
      module: "portable",
      plugin: pluginName,
      symbol: control.symbolName,
    });
    return { control, pluginName, socketDir, logger: log };
  }

  #url(control: SymbolControl): string {
    return dataUrl(this.#options.socketDir, control.meta ?? EMPTY_META);
  }
}
