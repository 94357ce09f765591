// ControlChannel: the host side of one plugin's control socket: handshake, then start/stop commands.

import { badRequest } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { checkFrameSize, controlUrl, DEFAULT_SOCKET_DIR } from "./addresses.ts";
import { encodeCommand, REQUEST_ID_BYTES, type SymbolControl } from "./commands.ts";
import { type Deadline, RepChannel } from "./rep-channel.ts";

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
 * The REP side of `ipc://{socketDir}/plugin_{name}.ipc` (B.3). One operation at a time; the
 * socket stays open across plugin restarts.
 */
export class ControlChannel extends RepChannel {
  readonly name: string;
  readonly #log: Logger;
  readonly #timeoutMs: number;

  /** Throws 400 when the socket path would exceed 107 bytes. */
  constructor(options: ControlChannelOptions) {
    const log = options.logger.child({ module: "portable", plugin: options.name });
    const ignored = new Set<number>();
    super({
      url: controlUrl(options.socketDir ?? DEFAULT_SOCKET_DIR, options.name),
      what: `portable plugin ${options.name}`,
      pluginName: options.name,
      log,
      onIgnored: (peer, body) => {
        if (ignored.has(peer)) return;
        ignored.add(peer);
        log.warn("ignoring a control connection that is not the plugin process", {
          peer,
          message: decode(body.subarray(0, 200)),
        });
      },
    });
    this.name = options.name;
    this.#log = log;
    this.#timeoutMs = options.commandTimeoutMs ?? 10_000;
  }

  /**
   * Waits for the plugin's first control message, accepted whatever it says (as eKuiper
   * does; a warning is logged unless it is exactly `handshake`). Throws when none comes in
   * `timeoutMs`, or the interrupt() reason.
   */
  waitHandshake(timeoutMs: number): Promise<void> {
    return this.serial(async () => {
      const late = `no handshake from portable plugin ${this.name} within ${timeoutMs} ms`;
      const first = decode(await this.receive(within(timeoutMs, late)));
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
    return this.serial(async () => {
      const late = `portable plugin ${this.name} did not answer ${what} within ${this.#timeoutMs} ms`;
      const answer = decode(await this.exchange(bytes, within(this.#timeoutMs, late)));
      if (answer !== "ok")
        throw badRequest(`portable plugin ${this.name} refused ${what}: ${answer}`);
    });
  }
}

/** One deadline, `timeoutMs` from now, shared by every receive of an operation. */
function within(timeoutMs: number, late: string): Deadline {
  const end = performance.now() + timeoutMs;
  return { timeLeftMs: () => end - performance.now(), late };
}
