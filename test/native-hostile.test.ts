// Hostile zips over real HTTP: every refusal names the entry and leaves disk and store untouched.
import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { elfHeader, ownMachine } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import {
  buildZip,
  type FixtureFile,
  fileType,
  madeByUnix,
  patchEntry,
  unixAttributes,
} from "./support/zip-fixtures.ts";

const so = elfHeader(ownMachine());
const base = (extra: Record<string, FixtureFile>) => buildZip({ "Evil@v1.0.0.so": so, ...extra });

const hostile: [string, () => Uint8Array, string, number?][] = [
  ["an entry that climbs out with ..", () => base({ "../escape.txt": "x" }), "../escape.txt"],
  ["an absolute entry name", () => base({ "/etc/passwd": "x" }), "/etc/passwd"],
  // Names are quoted as JSON in messages, so the backslash shows doubled.
  ["a backslash in a name", () => base({ "etc\\win.txt": "x" }), '"etc\\\\win.txt"'],
  [
    "a symbolic link",
    () =>
      patchEntry(base({ link: "/etc/shadow" }), "link", {
        madeBy: madeByUnix,
        externalAttributes: unixAttributes(fileType.symlink | 0o777),
      }),
    "link",
  ],
  [
    "a device entry",
    () =>
      patchEntry(base({ dev: "" }), "dev", {
        madeBy: madeByUnix,
        externalAttributes: unixAttributes(fileType.charDevice | 0o666),
      }),
    "dev",
  ],
  [
    "an entry that inflates to more than it declares",
    () => patchEntry(base({ "big.txt": "a".repeat(5000) }), "big.txt", { size: 100 }),
    "big.txt",
  ],
  ["a ratio bomb", () => base({ "zeros.bin": new Uint8Array(20 * 1024 * 1024) }), "zeros.bin"],
  [
    "an encrypted entry",
    () => patchEntry(base({ "secret.txt": "x" }), "secret.txt", { flags: 1 }),
    "secret.txt",
  ],
  ["bytes that are not a zip", () => new TextEncoder().encode("PK? not really a zip"), "zip"],
];

describe("hostile zips", () => {
  test.each(hostile)("refuses %s, naming it, and changes nothing", async (_label, make, named) => {
    await using server = await startServer();
    await using files = startFileServer({ "/evil.zip": make() });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "evil",
      file: files.url("/evil.zip"),
    });
    expect(res.status).toBe(400);
    const { error, message } = (await res.json()) as { error: number; message: string };
    expect(error).toBe(1000);
    expect(message).toContain(named);
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a zip with more entries than plugin.maxEntries", async () => {
    await using server = await startServer({ config: "plugin:\n  maxEntries: 3\n" });
    const zip = base({ a: "1", b: "2", c: "3" });
    await using files = startFileServer({ "/many.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "evil",
      file: files.url("/many.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("plugin.maxEntries");
  });

  test("keeps permission bits but drops setuid, setgid and world-write", async () => {
    await using server = await startServer();
    const zip = buildZip({
      "Perm@v1.0.0.so": { data: so, mode: 0o4777 },
      "etc/tool.sh": { data: "#!/bin/sh\n", mode: 0o755 },
    });
    await using files = startFileServer({ "/perm.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "perm",
      file: files.url("/perm.zip"),
    });
    expect(res.status).toBe(201);
    expect(statSync(join(server.home, "plugins/sinks/Perm@v1.0.0.so")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(server.home, "etc/sinks/perm/tool.sh")).mode & 0o7777).toBe(0o755);
  });
});
