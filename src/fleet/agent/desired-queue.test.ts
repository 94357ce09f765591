// The desired queue: the gateway's value wins over its groups', one apply at a time, latest wins.
import { describe, expect, test } from "bun:test";
import { DesiredQueue, type Winner } from "./desired-queue.ts";

const text = (value: string) => new TextEncoder().encode(value);
const read = (winner: Winner) => `${winner.topic}=${new TextDecoder().decode(winner.payload)}`;

function recorder() {
  const applied: string[] = [];
  let release: (() => void) | undefined;
  let running = 0;
  let most = 0;
  const apply = async (winner: Winner) => {
    running++;
    most = Math.max(most, running);
    applied.push(read(winner));
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    running--;
  };
  return { applied, apply, release: () => release?.(), most: () => most };
}

describe("DesiredQueue", () => {
  test("values offered during an apply are applied after it, the latest only, never in parallel", async () => {
    const r = recorder();
    const queue = new DesiredQueue(["gw", "group"], r.apply, 0);
    queue.offer("group", text("1"));
    while (r.applied.length === 0) await Bun.sleep(1);
    queue.offer("group", text("2"));
    queue.offer("group", text("3"));
    r.release();
    while (r.applied.length < 2) await Bun.sleep(1);
    r.release();
    await queue.idle();
    expect(r.applied).toEqual(["group=1", "group=3"]);
    expect(r.most()).toBe(1);
  });

  test("the gateway's own value wins over the group's, and clearing it falls back to the group", () => {
    const queue = new DesiredQueue(["gw", "group"], async () => {}, 0);
    queue.offer("group", text("g"));
    queue.offer("gw", text("own"));
    expect(queue.winner()?.topic).toBe("gw");
    queue.offer("gw", new Uint8Array());
    expect(queue.winner()?.topic).toBe("group");
    queue.offer("group", new Uint8Array());
    expect(queue.winner()).toBeUndefined();
  });
});
