// RepChannel: one host REP address of a plugin, heard only from the current plugin process (B.3, B.4).

import type { Logger } from "../log/logger.ts";
import { isNngError } from "../nng/nng-error.ts";
import { RepSocket } from "../nng/rep.ts";
import { SerialQueue } from "../supervisor/serial-queue.ts";
import { PeerGate } from "./peer-gate.ts";
import { openListener, waitError } from "./socket-errors.ts";

export interface RepChannelOptions {
  readonly url: string;
  /** What listens, for messages: "portable plugin mirror", "function echo". */
  readonly what: string;
  readonly pluginName: string;
  readonly log: Logger;
  /** Told about each request dropped because it came from another connection than the plugin's. */
  readonly onIgnored: (peer: number, body: Uint8Array) => void;
}

/** The deadline of one operation: the time left for the next receive, and what to say after. */
export interface Deadline {
  readonly timeLeftMs: () => number;
  /** The message of the error thrown when a receive times out. */
  readonly late: string;
}

const H = 0x68;
const preview = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 200));

/**
 * A REP socket (src/nng/rep.ts keeps REP0's rules) behind a PeerGate: requests from
 * connections other than the current process's are read and dropped, never answered. The
 * plugin is the REQ side, so every command is the reply to its last request and its answer is
 * its next request. Operations run one at a time (serial()).
 */
export class RepChannel {
  readonly url: string;
  readonly #options: RepChannelOptions;
  readonly #socket = new RepSocket();
  readonly #gate = new PeerGate();
  readonly #queue = new SerialQueue();
  #interrupted = new AbortController();

  constructor(options: RepChannelOptions) {
    this.#options = options;
    this.url = options.url;
  }

  /** How many connections are open (more than one means a stale or foreign peer). */
  get peerCount(): number {
    return this.#socket.pipeCount;
  }

  /** Listens; throws 400 when another live process owns the address. */
  listen(): Promise<void> {
    return openListener(this.#socket, this.url, this.#options.what);
  }

  /**
   * A new plugin process is about to connect: connections open now are ignored from here on,
   * the next fresh one to send is bound, an unanswered request of an old one is forgotten, and
   * an interruption is cleared.
   */
  expectNewPeer(): void {
    this.#gate.expectNewPeer(this.#socket.pipeIds());
    this.#socket.forgetRequest();
    this.#interrupted = new AbortController();
  }

  /** Fails the waiting receive and every later one with `reason`, until expectNewPeer(). */
  interrupt(reason: Error): void {
    this.#interrupted.abort(reason);
  }

  /** Runs `work` once every earlier operation on this channel has settled. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    return this.#queue.run(work);
  }

  /**
   * The next request from the bound connection (binding the first fresh sender); the deadline
   * covers the dropped ones too. Throws 400 (`late`, or "stopped" once closed), or the
   * interrupt() reason.
   */
  async receive(deadline: Deadline): Promise<Uint8Array> {
    const signal = this.#interrupted.signal;
    try {
      for (;;) {
        signal.throwIfAborted();
        const timeoutMs = Math.max(0, deadline.timeLeftMs());
        const { pipeId, body } = await this.#socket.recvRequest({ timeoutMs, signal });
        const admitted = this.#gate.admit(pipeId, (id) => this.#socket.isConnected(id));
        if (admitted) return body;
        this.#socket.forgetRequest();
        this.#options.onIgnored(pipeId, body);
      }
    } catch (err) {
      throw waitError(err, deadline.late, this.#options.pluginName);
    }
  }

  /**
   * Sends `bytes` as the reply to the plugin's pending request and returns the plugin's answer,
   * its next request. With no request pending (ESTATE, e.g. the first function call) one message
   * is received and discarded first. An answer whose first byte is `h` is a handshake or a
   * keepalive that replaced the request we answered, so `bytes` is sent again as its reply.
   */
  async exchange(bytes: Uint8Array, deadline: Deadline): Promise<Uint8Array> {
    const { log } = this.#options;
    try {
      await this.#socket.send(bytes);
    } catch (err) {
      if (!isNngError(err, "state")) throw waitError(err, deadline.late, this.#options.pluginName);
      const discarded = await this.receive(deadline);
      log.debug("discarded a message to get a request to answer", { message: preview(discarded) });
      await this.#socket.send(bytes);
    }
    let odd: string | undefined;
    for (;;) {
      // eKuiper loops forever on an answer like "hmm…"; the deadline ends it, saying why.
      const late =
        odd === undefined
          ? deadline.late
          : `${deadline.late}; it kept answering "${odd}", which reads as a handshake because it starts with "h"`;
      const answer = await this.receive({ ...deadline, late });
      if (answer[0] !== H) return answer;
      const text = preview(answer);
      if (text !== "handshake") odd = text;
      log.debug("skipping a handshake while waiting for an answer", { message: text });
      await this.#socket.send(bytes);
    }
  }

  /** Closes the socket (its file is removed); a pending operation fails. */
  async close(): Promise<void> {
    await this.#socket.close();
  }
}
