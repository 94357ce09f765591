// ControlChannel: the host side of one plugin's control socket: handshake, then start/stop commands.

import { badRequest } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { SerialQueue } from "../supervisor/serial-queue.ts";
import { checkFrameSize, controlUrl, DEFAULT_SOCKET_DIR } from "./addresses.ts";
import { encodeCommand, REQUEST_ID_BYTES, type SymbolControl } from "./commands.ts";
import { PeerRepSocket } from "./peer-rep-socket.ts";
import { type ExchangeOptions, exchange, receive } from "./rep-exchange.ts";
import { openListener } from "./socket-errors.ts";

export interface ControlChannelOptions {
  /** The installed plugin name; it names the socket and every message. */
  readonly name: string;
  readonly logger: Logger;
  /** Default "/tmp", where eKuiper's SDKs dial. */
  readonly socketDir?: string;
  /** How long a command waits for the plugin's answer (default 10 s). */
  readonly commandTimeoutMs?: number;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The REP side of `ipc://{socketDir}/plugin_{name}.ipc` (B.3). The plugin is the REQ side, so
 * every command is the reply to the plugin's last request, and its answer is its next request.
 * One operation at a time; the socket stays open across plugin restarts.
 */
export class ControlChannel {
  readonly name: string;
  readonly url: string;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #queue = new SerialQueue();
  readonly #socket: PeerRepSocket;

  /** Throws 400 when the socket path would exceed 107 bytes. */
  constructor(options: ControlChannelOptions) {
    this.name = options.name;
    this.url = controlUrl(options.socketDir ?? DEFAULT_SOCKET_DIR, options.name);
    this.#log = options.logger.child({ module: "portable", plugin: options.name });
    this.#timeoutMs = options.commandTimeoutMs ?? 10_000;
    const ignored = new Set<number>();
    this.#socket = new PeerRepSocket({
      onIgnored: (peer, body) => {
        if (ignored.has(peer)) return;
        ignored.add(peer);
        this.#log.warn("ignoring a control connection that is not the plugin process", {
          peer,
          message: decode(body.subarray(0, 200)),
        });
      },
    });
  }

  /** How many connections are open on the control address (more than one means an intruder). */
  get peerCount(): number {
    return this.#socket.pipeCount;
  }

  /** Listens; throws 400 when another live process owns the address. */
  listen(): Promise<void> {
    return openListener(this.#socket, this.url, `portable plugin ${this.name}`);
  }

  /** A new process is being started: connections open now are ignored (see PeerGate). */
  expectNewPeer(): void {
    this.#socket.expectNewPeer();
  }

  /** Fails what waits for the plugin, and later waits, with `reason` until expectNewPeer(). */
  interrupt(reason: Error): void {
    this.#socket.interrupt(reason);
  }

  /**
   * Waits for the plugin's first control message, accepted whatever it says (as eKuiper
   * does; a warning is logged unless it is exactly `handshake`). Throws when none comes in
   * `timeoutMs`, or the interrupt() reason.
   */
  waitHandshake(timeoutMs: number): Promise<void> {
    return this.#queue.run(async () => {
      const late = `no handshake from portable plugin ${this.name} within ${timeoutMs} ms`;
      const first = decode(await receive(this.#options(timeoutMs, late)));
      if (first !== "handshake") {
        this.#log.warn("the first control message is not a handshake", { message: first });
      }
    });
  }

  /**
   * Sends `start` or `stop` and waits for `ok`. Throws 400 with the plugin's text for any
   * other answer, 400 when the message exceeds 1 MiB, when no answer comes in time, when the
   * channel is closed, or the interrupt() reason when the process exits meanwhile.
   */
  command(cmd: "start" | "stop", control: SymbolControl): Promise<void> {
    const bytes = encodeCommand(cmd, control);
    const what = `${cmd} ${control.pluginType} ${control.symbolName}`;
    checkFrameSize(bytes.length, REQUEST_ID_BYTES, `the ${what} command to plugin ${this.name}`);
    return this.#queue.run(async () => {
      const late = `portable plugin ${this.name} did not answer ${what} within ${this.#timeoutMs} ms`;
      const answer = decode(await exchange(bytes, this.#options(this.#timeoutMs, late)));
      if (answer !== "ok")
        throw badRequest(`portable plugin ${this.name} refused ${what}: ${answer}`);
    });
  }

  /** Closes the socket (its file is removed); pending commands fail. */
  async close(): Promise<void> {
    await this.#socket.close();
  }

  /** Exchange options whose receives share one deadline, `timeoutMs` from now. */
  #options(timeoutMs: number, late: string): ExchangeOptions {
    const deadline = performance.now() + timeoutMs;
    return {
      socket: this.#socket,
      pluginName: this.name,
      log: this.#log,
      timeoutMs: () => deadline - performance.now(),
      late,
    };
  }
}
