// Tests of $NOTIFY_SOCKET parsing into socket address bytes: paths, abstract names, refusals.
import { describe, expect, test } from "bun:test";
import { notifyAddress } from "./notify-address.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("notifyAddress", () => {
  test("a path becomes AF_UNIX, the path and a terminating NUL", () => {
    const address = notifyAddress("/run/systemd/notify");
    expect([...address.subarray(0, 2)]).toEqual([1, 0]);
    expect(text(address.subarray(2))).toBe("/run/systemd/notify\0");
  });

  test("an @name becomes AF_UNIX, a leading NUL and the name without a terminator", () => {
    const address = notifyAddress("@/org/freedesktop/systemd1/notify/123");
    expect([...address.subarray(0, 3)]).toEqual([1, 0, 0]);
    expect(text(address.subarray(3))).toBe("/org/freedesktop/systemd1/notify/123");
    expect(address.length).toBe(3 + "/org/freedesktop/systemd1/notify/123".length);
  });

  test.each([
    ["a vsock: address", "vsock:2:1234", "neither an absolute path nor an abstract @name"],
    ["a relative path", "relative/notify", "neither an absolute path nor an abstract @name"],
    ["a 108-byte path", `/${"x".repeat(107)}`, "longer than a unix socket address can be"],
    ["a 108-byte abstract name", `@${"x".repeat(108)}`, "longer than a unix socket address"],
  ])("%s is refused", (_, value, message) => {
    expect(() => notifyAddress(value)).toThrow(message);
  });

  test("the longest names that fit are accepted", () => {
    expect(notifyAddress(`/${"x".repeat(106)}`).length).toBe(110);
    expect(notifyAddress(`@${"x".repeat(107)}`).length).toBe(110);
  });
});
