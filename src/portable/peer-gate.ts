// PeerGate: which connection on a shared plugin address belongs to the current plugin process (pure).
//
// Why: SP gives no peer identity, and eKuiper's addresses are fixed per plugin and symbol, so
// an orphan of an earlier run (or a REQ with resend on, like mirror2) can sit on the same REP
// socket as the live plugin and re-send stale requests ("ok", an old function result). Part C
// of portable-protocol.md saw a host take those as answers to new questions. The gate binds a
// channel to one connection and ignores the others.

/** Decides, per connection id, whether its requests are read or ignored. */
export class PeerGate {
  #stale = new Set<number>();
  #bound: number | undefined;

  /** The connection requests are taken from now, if one is bound. */
  get bound(): number | undefined {
    return this.#bound;
  }

  /**
   * A new plugin process is coming: the connections open now were made by a process that is
   * gone or was never ours, so they are ignored from here on, and no connection is bound.
   */
  expectNewPeer(connected: Iterable<number>): void {
    this.#stale = new Set(connected);
    this.#bound = undefined;
  }

  /**
   * Whether a request from connection `peer` is for us. The first request from a connection
   * that is not stale binds it; later, only the bound connection is heard, unless it has
   * closed (`isConnected` says so), when the next fresh sender is bound instead.
   */
  admit(peer: number, isConnected: (peer: number) => boolean): boolean {
    if (this.#stale.has(peer)) return false;
    if (this.#bound === peer) return true;
    if (this.#bound !== undefined && isConnected(this.#bound)) return false;
    this.#bound = peer;
    return true;
  }
}
