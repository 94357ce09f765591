// Unit tests of PeerGate: which connection a plugin channel listens to when several are connected.

import { describe, expect, test } from "bun:test";
import { PeerGate } from "./peer-gate.ts";

const connected =
  (...ids: number[]) =>
  (id: number) =>
    ids.includes(id);

describe("PeerGate", () => {
  test("the first connection to send is bound and the others are ignored", () => {
    const gate = new PeerGate();
    expect(gate.admit(7, connected(7, 8))).toBe(true);
    expect(gate.admit(8, connected(7, 8))).toBe(false);
    expect(gate.admit(7, connected(7, 8))).toBe(true);
    expect(gate.bound).toBe(7);
  });

  test("connections open before a new process is expected are ignored for good", () => {
    const gate = new PeerGate();
    gate.admit(1, connected(1));
    gate.expectNewPeer([1, 2]);
    expect(gate.bound).toBeUndefined();
    expect(gate.admit(2, connected(1, 2, 3))).toBe(false);
    expect(gate.admit(1, connected(1, 2, 3))).toBe(false);
    expect(gate.admit(3, connected(1, 2, 3))).toBe(true);
  });

  test("when the bound connection closes the next fresh sender is bound", () => {
    const gate = new PeerGate();
    gate.admit(4, connected(4, 5));
    expect(gate.admit(5, connected(4, 5))).toBe(false);
    expect(gate.admit(5, connected(5))).toBe(true);
    expect(gate.bound).toBe(5);
  });
});
