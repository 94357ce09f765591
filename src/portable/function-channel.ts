// FunctionChannel: the host side of one function symbol's socket, calling Validate, Exec, IsAggregate.

import type { Logger } from "../log/logger.ts";
import { checkFrameSize, DEFAULT_SOCKET_DIR, functionUrl } from "./addresses.ts";
import {
  encodeFuncData,
  type FuncMeta,
  type FuncReply,
  type FunctionCall,
  parseFuncReply,
  REQUEST_ID_BYTES,
} from "./commands.ts";
import { RepChannel } from "./rep-channel.ts";

export interface FunctionChannelOptions {
  readonly symbol: string;
  /** The plugin exporting the function, for messages. */
  readonly pluginName: string;
  readonly logger: Logger;
  readonly socketDir?: string;
  /** Deadline of each receive (default 5 s, eKuiper's portable recv timeout). */
  readonly timeoutMs?: number;
}

/** The FuncMeta used when the caller gives none; the Go SDK refuses an empty ruleId or opId. */
const defaultMeta: FuncMeta = Object.freeze({
  ruleId: "plugd",
  opId: "call",
  instanceId: 0,
  funcId: 0,
});

/**
 * The REP side of `ipc://{socketDir}/func_{symbol}.ipc` (B.4). It must listen before the
 * `start func` command is sent, since the plugin dials it while handling that command. The
 * plugin's first request is `handshake`; each call is the reply to the pending request.
 */
export class FunctionChannel extends RepChannel {
  readonly symbol: string;
  readonly #pluginName: string;
  readonly #timeoutMs: number;

  /** Throws 400 when the socket path would exceed 107 bytes. */
  constructor(options: FunctionChannelOptions) {
    const log = options.logger.child({ module: "portable", plugin: options.pluginName });
    super({
      url: functionUrl(options.socketDir ?? DEFAULT_SOCKET_DIR, options.symbol),
      what: `function ${options.symbol}`,
      pluginName: options.pluginName,
      log,
      onIgnored: (peer) => log.debug("ignoring a stale function connection", { peer }),
    });
    this.symbol = options.symbol;
    this.#pluginName = options.pluginName;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * Calls the function, one call at a time. For Exec, `arg` is the argument list and `meta`
   * is appended as eKuiper's FuncMeta string. Throws 400 when the message exceeds 1 MiB, when
   * the plugin does not answer within the deadline, or answers something that is not JSON
   * ("Failed to unmarshal function result …").
   */
  call(func: FunctionCall, arg: unknown, meta: FuncMeta = defaultMeta): Promise<FuncReply> {
    const bytes = encodeFuncData(func, arg, meta);
    const what = `the ${func} call of function ${this.symbol}`;
    checkFrameSize(bytes.length, REQUEST_ID_BYTES, what);
    const late =
      `time out, function ${this.symbol} of portable plugin ${this.#pluginName} ` +
      `did not answer ${func} within ${this.#timeoutMs} ms`;
    return this.serial(async () => {
      const answer = await this.exchange(bytes, { timeLeftMs: () => this.#timeoutMs, late });
      return parseFuncReply(answer);
    });
  }
}
