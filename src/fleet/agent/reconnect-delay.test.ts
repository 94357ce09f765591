// The reconnect back-off of the fleet agent's MQTT session (pure).
import { expect, test } from "bun:test";
import { reconnectDelay } from "./reconnect-delay.ts";

test("the reconnect delay doubles from the minimum up to the maximum, with at most 20% jitter", () => {
  expect([0, 1, 2, 3, 10].map((n) => reconnectDelay(n, 1000, 5000, 1))).toEqual([
    1000, 2000, 4000, 5000, 5000,
  ]);
  expect(reconnectDelay(0, 1000, 5000, 0)).toBe(800);
  expect(reconnectDelay(60, 1000, 30_000, 0.5)).toBe(27_000);
});
