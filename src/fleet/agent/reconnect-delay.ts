// The back-off between reconnect attempts of the fleet agent's MQTT session (pure).

/**
 * The wait before attempt `failures + 1`: `minMs` doubled per failure up to `maxMs`, less up to
 * 20 % by `random` (0..1), so a fleet that lost its broker does not come back in one burst.
 */
export function reconnectDelay(
  failures: number,
  minMs: number,
  maxMs: number,
  random: number,
): number {
  const delay = Math.min(minMs * 2 ** failures, maxMs);
  return delay * (0.8 + random * 0.2);
}
