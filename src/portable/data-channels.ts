// Host-side data sockets of sources (PULL) and sinks (ack PULL, data PUSH), B.5 and B.6.

import { badRequest } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { isNngError } from "../nng/nng-error.ts";
import { PullSocket } from "../nng/pull.ts";
import { PushSocket } from "../nng/push.ts";
import { checkFrameSize, dataUrl } from "./addresses.ts";
import { EMPTY_META, type SymbolControl, type SymbolMeta } from "./commands.ts";
import { openListener, waitError } from "./socket-errors.ts";

/** One message a source pushed: `{"message": {...}, "meta": {...} | null}`. */
export interface SourceMessage {
  readonly message: Record<string, unknown>;
  readonly meta: Record<string, unknown> | null;
}

/** Hears every message of every running source of a plugin. */
export type SourceListener = (
  symbol: string,
  meta: SymbolMeta,
  data: SourceMessage,
  bytes: number,
) => void;

interface DataChannelOptions {
  readonly control: SymbolControl;
  readonly pluginName: string;
  readonly socketDir: string;
  readonly logger: Logger;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads a source message as eKuiper does: JSON, `message` an object, `meta` an object or null. */
function parseSourceMessage(bytes: Uint8Array): SourceMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const message = parsed.message ?? {};
  const meta = parsed.meta ?? null;
  if (!isRecord(message) || !(meta === null || isRecord(meta))) return undefined;
  return { message, meta };
}

/** The PULL listener a source pushes to; it must listen before `start`. */
export class SourceChannel {
  readonly url: string;
  readonly #options: DataChannelOptions;
  readonly #socket = new PullSocket();

  constructor(options: DataChannelOptions) {
    this.#options = options;
    this.url = dataUrl(options.socketDir, options.control.meta ?? EMPTY_META);
  }

  /** Listens, then hands each message to `onData` until close(). Throws 400 if it cannot listen. */
  async listen(onData: SourceListener | undefined): Promise<void> {
    const { control } = this.#options;
    await openListener(this.#socket, this.url, `source ${control.symbolName}`);
    void this.#read(onData);
  }

  async close(): Promise<void> {
    await this.#socket.close();
  }

  async #read(onData: SourceListener | undefined): Promise<void> {
    const { control, logger } = this.#options;
    for (;;) {
      let bytes: Uint8Array;
      try {
        bytes = await this.#socket.recv();
      } catch (err) {
        if (!isNngError(err, "closed")) logger.error("source channel failed", { error: err });
        return;
      }
      const data = parseSourceMessage(bytes);
      if (data === undefined) {
        const text = new TextDecoder().decode(bytes.subarray(0, 200));
        logger.warn("invalid data format from a source, not JSON {message, meta}", { text });
      } else onData?.(control.symbolName, control.meta ?? EMPTY_META, data, bytes.byteLength);
    }
  }
}

/** A sink's sockets: the ack PULL (listens before `start`) and the data PUSH (dials after ok). */
export class SinkChannel {
  readonly url: string;
  readonly #options: DataChannelOptions;
  readonly #ack = new PullSocket();
  readonly #data: PushSocket;
  readonly #timeoutMs: number;

  constructor(options: DataChannelOptions, timeoutMs: number) {
    this.#options = options;
    this.#timeoutMs = timeoutMs;
    this.url = dataUrl(options.socketDir, options.control.meta ?? EMPTY_META);
    this.#data = new PushSocket({ sendTimeoutMs: timeoutMs });
  }

  /** Listens for acknowledgements; throws 400 if it cannot. */
  listenAck(): Promise<void> {
    const ackUrl = dataUrl(
      this.#options.socketDir,
      this.#options.control.meta ?? EMPTY_META,
      "_ack",
    );
    return openListener(this.#ack, ackUrl, `the acks of sink ${this.#options.control.symbolName}`);
  }

  /** Dials the plugin's data listener, redialing whenever the plugin restarts. Throws 400. */
  async connect(): Promise<void> {
    try {
      await this.#data.dial(this.url, { reconnect: true });
    } catch (err) {
      throw badRequest(
        `cannot connect to the data socket of sink ${this.#name}: ${String(err)}`,
        err,
      );
    }
  }

  /**
   * Pushes raw bytes; with `requireAck` in the sink's config, waits for the plugin's `{}` or
   * `{"error": …}`. Throws 400 over 1 MiB, when the plugin takes nothing in time, or acks an error.
   */
  async send(bytes: Uint8Array): Promise<void> {
    checkFrameSize(bytes.length, 0, `a message to sink ${this.#name}`);
    const late = `sink ${this.#name} of portable plugin ${this.#options.pluginName} took no data within ${this.#timeoutMs} ms`;
    try {
      await this.#data.send(bytes);
    } catch (err) {
      throw waitError(err, late, this.#options.pluginName);
    }
    if (this.#options.control.config?.requireAck === true) await this.#awaitAck();
  }

  /**
   * Pushes several messages in one write when the sink needs no acks (with `requireAck` they
   * go one by one, each waiting for its ack). Throws as send() does, for the batch.
   */
  async sendAll(bodies: readonly Uint8Array[]): Promise<void> {
    if (this.#options.control.config?.requireAck === true) {
      for (const body of bodies) await this.send(body);
      return;
    }
    for (const body of bodies) checkFrameSize(body.length, 0, `a message to sink ${this.#name}`);
    const late = `sink ${this.#name} of portable plugin ${this.#options.pluginName} took no data within ${this.#timeoutMs} ms`;
    try {
      await this.#data.sendAll(bodies);
    } catch (err) {
      throw waitError(err, late, this.#options.pluginName);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#data.close(), this.#ack.close()]);
  }

  get #name(): string {
    return this.#options.control.symbolName;
  }

  async #awaitAck(): Promise<void> {
    const late = `sink ${this.#name} sent no acknowledgement within ${this.#timeoutMs} ms`;
    let bytes: Uint8Array;
    try {
      bytes = await this.#ack.recv({ timeoutMs: this.#timeoutMs });
    } catch (err) {
      throw waitError(err, late, this.#options.pluginName);
    }
    const text = new TextDecoder().decode(bytes);
    let ack: unknown;
    try {
      ack = JSON.parse(text);
    } catch {
      throw badRequest(`sink ${this.#name} sent an acknowledgement that is not JSON: ${text}`);
    }
    if (isRecord(ack) && typeof ack.error === "string" && ack.error !== "") {
      throw badRequest(`sink ${this.#name} failed: ${ack.error}`);
    }
  }
}
