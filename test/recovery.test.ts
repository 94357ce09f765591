// Restarts: the same state comes back, crashes are undone, plugins found on disk are adopted.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMoves } from "../src/install/file-moves.ts";
import { createStaging } from "../src/install/staging.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { elfHeader, nativePluginZip, ownMachine } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { journalStates, snapshot } from "./support/snapshot.ts";

describe("restart", () => {
  test("keeps every plugin, function and upload", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sources", name: "src" }),
      "/f.zip": nativePluginZip({ type: "functions", name: "fns" }),
    });
    expect(
      (await server.send("POST", "/plugins/sources", { name: "src", file: files.url("/s.zip") }))
        .status,
    ).toBe(201);
    const fnBody = { name: "fns", file: files.url("/f.zip"), functions: ["a", "b"] };
    expect((await server.send("POST", "/plugins/functions", fnBody)).status).toBe(201);
    expect(
      (await server.send("POST", "/config/uploads", { name: "u.txt", content: "u" })).status,
    ).toBe(201);
    const before = snapshot(server);
    await using again = await server.restart();
    expect(snapshot(again)).toEqual(before);
    expect(await (await again.request("/plugins/sources")).json()).toEqual(["src"]);
    expect(await (await again.request("/plugins/functions/fns")).json()).toEqual({
      name: "fns",
      version: "1.0.0",
      functions: ["a", "b"],
    });
    expect(await (await again.request("/plugins/udfs")).json()).toEqual(["a", "b"]);
    expect(await (await again.request("/config/uploads")).json()).toEqual([
      join(again.home, "data/uploads/u.txt"),
    ]);
  });

  test("adopts a library found on disk without a row, as eKuiper does", async () => {
    const home = mkdtempSync(join(tmpdir(), "plugd-adopt-"));
    try {
      mkdirSync(join(home, "plugins/functions"), { recursive: true });
      writeFileSync(join(home, "plugins/functions/Geohash@v2.1.0.so"), elfHeader(ownMachine()));
      await using server = await startServer({ home });
      expect(await (await server.request("/plugins/functions/geohash")).json()).toEqual({
        name: "geohash",
        version: "2.1.0",
      });
      expect(await (await server.request("/plugins/udfs")).json()).toEqual(["geohash"]);
      const del = await server.request("/plugins/functions/geohash", { method: "DELETE" });
      expect(del.status).toBe(200);
      expect(readdirSync(join(home, "plugins/functions"))).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("drops a row whose library was removed by hand", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/k.zip": nativePluginZip({ type: "sinks", name: "k" }),
    });
    expect(
      (await server.send("POST", "/plugins/sinks", { name: "k", file: files.url("/k.zip") }))
        .status,
    ).toBe(201);
    await server.plugd.stop();
    rmSync(join(server.home, "plugins/sinks/K@v1.0.0.so"));
    await using again = await server.restart();
    expect((await again.request("/plugins/sinks/k")).status).toBe(404);
  });

  test("undoes an update that a crash interrupted half-way through its renames", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/v1.zip": nativePluginZip({ type: "sinks", name: "c", extra: { "etc/v.txt": "1" } }),
    });
    expect(
      (await server.send("POST", "/plugins/sinks", { name: "c", file: files.url("/v1.zip") }))
        .status,
    ).toBe(201);
    const before = snapshot(server);
    const { ctx } = server.plugd;
    // Stage a new version and journal its renames, then "crash" after the first two of them.
    const staging = createStaging(ctx.paths.staging, "sinks-c");
    mkdirSync(join(staging.tree, "plugins/sinks"), { recursive: true });
    writeFileSync(join(staging.tree, "plugins/sinks/C@v2.0.0.so"), "new");
    const id = ctx.store.journal.begin("sinks", "c", "update", staging.dir, {});
    const home = server.home;
    const moves = [
      {
        from: join(home, "plugins/sinks/C@v1.0.0.so"),
        to: join(staging.backup, "plugins/sinks/C@v1.0.0.so"),
      },
      { from: join(home, "etc/sinks/c"), to: join(staging.backup, "etc/sinks/c") },
      {
        from: join(staging.tree, "plugins/sinks/C@v2.0.0.so"),
        to: join(home, "plugins/sinks/C@v2.0.0.so"),
      },
    ];
    ctx.store.journal.committing(id, moves, "");
    applyMoves(moves.slice(0, 2));
    await server.plugd.stop();
    await using again = await server.restart();
    expect(snapshot(again)).toEqual(before);
    expect(existsSync(staging.dir)).toBe(false);
    expect(journalStates(again, "sinks", "c")[0]).toBe("rolledback");
  });
});
