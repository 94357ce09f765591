// Unit tests of FairQueue: round-robin between connections, per-connection order, dropping.
import { expect, test } from "bun:test";
import { FairQueue } from "./fair-queue.ts";

function drain<T>(queue: FairQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

test("takes turns between connections so a chatty one cannot starve another", () => {
  const queue = new FairQueue<string>();
  for (const item of ["a1", "a2", "a3", "a4"]) queue.push(1, item);
  queue.push(2, "b1");
  queue.push(3, "c1");
  queue.push(2, "b2");
  expect(queue.size).toBe(7);
  expect(drain(queue)).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
  expect(queue.size).toBe(0);
});

test("forgets the items of a dropped connection only", () => {
  const queue = new FairQueue<string>();
  queue.push(1, "a1");
  queue.push(2, "b1");
  queue.push(1, "a2");
  queue.drop(1);
  expect(queue.size).toBe(1);
  expect(drain(queue)).toEqual(["b1"]);
});

test("returns undefined when empty and accepts new items after", () => {
  const queue = new FairQueue<number>();
  expect(queue.shift()).toBe(undefined);
  queue.push(7, 42);
  expect(drain(queue)).toEqual([42]);
});
