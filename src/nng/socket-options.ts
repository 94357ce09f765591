// The options of SP sockets, of one dial() and of one recv() or send().
import type { NngError } from "./nng-error.ts";

/** Socket options; every field is optional and defaults to what plugd's host side needs. */
export interface SocketOptions {
  /** Deadline of recv() in ms; undefined waits forever (NNG's -1). NngError `timeout` after. */
  recvTimeoutMs?: number;
  /** How long send() waits for a peer able to take the message; undefined waits forever. */
  sendTimeoutMs?: number;
  /** Largest incoming frame in bytes; a peer sending more is dropped. 0 (default) = unlimited. */
  maxRecvSize?: number;
  /** Time a new connection has to complete the SP header exchange. Default 10 000 (NNG). */
  handshakeTimeoutMs?: number;
  /** First redial delay of reconnecting dialers. Default 100 (eKuiper). */
  reconnectMinMs?: number;
  /** Longest redial delay of reconnecting dialers. Default 5 000 (eKuiper). */
  reconnectMaxMs?: number;
  /** Told when a connection is dropped for breaking the protocol, or a redial fails. */
  onPipeError?: (err: NngError) => void;
}

/** Options of one dial() call. */
export interface DialOptions {
  /** Redial with back-off whenever the connection drops. Default false. */
  reconnect?: boolean;
  /** Return at once and connect in the background, retrying until it works (NNG_FLAG_NONBLOCK). */
  background?: boolean;
}

/** Per-call override of the socket's deadline for one recv() or send(). */
export interface CallOptions {
  /** Deadline in ms for this call only; undefined uses the socket option. */
  timeoutMs?: number;
  /** Ends the wait with the signal's reason when it is aborted. */
  signal?: AbortSignal;
}
