// NngError: the one error type of the SP sockets, with a kind callers branch on instead of messages.

/**
 * What went wrong, in NNG's terms:
 * - `timeout`: a receive, send, dial or header exchange did not finish in time (NNG_ETIMEDOUT).
 * - `closed`: the socket was closed, before or during the call (NNG_ECLOSED).
 * - `state`: the call is not allowed now, e.g. REP send with no request (NNG_ESTATE).
 * - `connreset`: REQ's connection dropped while it waited for the reply (NNG_ECONNRESET).
 * - `addrinuse`: another process is listening on the path (NNG_EADDRINUSE).
 * - `addrinval`: the address is not `ipc://`, or its path does not fit a unix socket (NNG_EADDRINVAL).
 * - `connrefused`: nobody listens on the path (NNG_ECONNREFUSED).
 * - `protocol`: the peer sent a bad SP header or garbage frames (NNG_EPROTO).
 * - `toolarge`: a frame is larger than the socket's maxRecvSize (NNG_EMSGSIZE).
 */
export type NngErrorKind =
  | "timeout"
  | "closed"
  | "state"
  | "connreset"
  | "addrinuse"
  | "addrinval"
  | "connrefused"
  | "protocol"
  | "toolarge";

/** An error from the nng module; `kind` is stable, the message is for people. */
export class NngError extends Error {
  readonly kind: NngErrorKind;

  constructor(kind: NngErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NngError";
    this.kind = kind;
  }
}

/** True when `err` is an NngError of the given kind. */
export function isNngError(err: unknown, kind?: NngErrorKind): err is NngError {
  return err instanceof NngError && (kind === undefined || err.kind === kind);
}
