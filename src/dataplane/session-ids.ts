// The rule ids of REST sessions ("rest-3f9c2a1b"), unique across every plugd on the machine.

/**
 * Hands out the rule ids REST sessions start their symbols with, as refCount shows them. They
 * name data sockets under /tmp, which other plugd processes (and tests) share, so they are random.
 */
export class SessionIds {
  next(): string {
    return `rest-${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  }
}
