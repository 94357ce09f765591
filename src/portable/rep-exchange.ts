// One command/answer exchange on a host REP socket, with eKuiper's ESTATE and `h` rules (B.3, B.4).

import type { Logger } from "../log/logger.ts";
import { isNngError } from "../nng/nng-error.ts";
import type { PeerRepSocket } from "./peer-rep-socket.ts";
import { waitError } from "./socket-errors.ts";

export interface ExchangeOptions {
  readonly socket: PeerRepSocket;
  readonly pluginName: string;
  readonly log: Logger;
  /** The time left for the next receive, asked before each one. */
  readonly timeoutMs: () => number;
  /** The message of the error thrown when a receive times out. */
  readonly late: string;
}

const H = 0x68;
const preview = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 200));

/** Receives one admitted request; failures become waitError()s. */
export async function receive(options: ExchangeOptions): Promise<Uint8Array> {
  try {
    return await options.socket.recv({ timeoutMs: Math.max(0, options.timeoutMs()) });
  } catch (err) {
    throw waitError(err, options.late, options.pluginName);
  }
}

/**
 * Sends `bytes` as the reply to the plugin's pending request and returns the plugin's answer,
 * its next request. With no request pending (ESTATE, e.g. the first function call) one message
 * is received and discarded first. An answer whose first byte is `h` is a handshake or a
 * keepalive that replaced the request we answered, so `bytes` is sent again as its reply.
 * Throws what receive() throws.
 */
export async function exchange(bytes: Uint8Array, options: ExchangeOptions): Promise<Uint8Array> {
  const { socket, log } = options;
  try {
    await socket.send(bytes);
  } catch (err) {
    if (!isNngError(err, "state")) throw waitError(err, options.late, options.pluginName);
    const discarded = await receive(options);
    log.debug("discarded a message to get a request to answer", { message: preview(discarded) });
    await socket.send(bytes);
  }
  let odd: string | undefined;
  for (;;) {
    // eKuiper loops forever on an answer like "hmm…"; the deadline ends it, saying why.
    const late =
      odd === undefined
        ? options.late
        : `${options.late}; it kept answering "${odd}", which reads as a handshake because it starts with "h"`;
    const answer = await receive({ ...options, late });
    if (answer[0] !== H) return answer;
    const text = preview(answer);
    if (text !== "handshake") odd = text;
    log.debug("skipping a handshake while waiting for an answer", { message: text });
    await socket.send(bytes);
  }
}
