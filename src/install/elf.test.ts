// Tests of reading a library's CPU from its ELF header.
import { describe, expect, test } from "bun:test";
import { elfArchitecture, serverArchitecture } from "./elf.ts";

function header(machine: number, bigEndian = false): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, bigEndian ? 2 : 1]);
  new DataView(bytes.buffer).setUint16(18, machine, !bigEndian);
  return bytes;
}

describe("elfArchitecture", () => {
  test.each([
    [62, "amd64"],
    [183, "arm64"],
    [40, "arm"],
    [9999, "machine 9999"],
  ])("names e_machine %d as %s", (machine, name) => {
    expect(elfArchitecture(header(machine))).toBe(name);
  });

  test("reads big-endian headers", () => {
    expect(elfArchitecture(header(22, true))).toBe("s390x");
  });

  test("says nothing about files that are not ELF", () => {
    expect(elfArchitecture(new TextEncoder().encode("just some text, no ELF"))).toBeUndefined();
    expect(elfArchitecture(new Uint8Array(4))).toBeUndefined();
  });

  test("names the server's CPU as Go does", () => {
    expect(serverArchitecture("x64")).toBe("amd64");
    expect(serverArchitecture("arm64")).toBe("arm64");
  });
});
