// GET /plugins/portables/{name}/logs?follow=1: a follower that does not read is ended, bounded.
import { describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { fellBehindLine } from "../src/http/plugin-logs.ts";
import { portableOutput } from "../src/services/plugin-queries.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer } from "./support/server.ts";
import { waitFor } from "./support/wait.ts";

interface Follower {
  readonly socket: Socket;
  /** Every byte received so far. */
  readonly received: Buffer[];
}

/** Sends a GET for `path` on a raw connection that stops reading after the first bytes. */
function stalledFollower(port: number, path: string): Follower {
  const received: Buffer[] = [];
  const socket = connect(port, "127.0.0.1", () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: plugd\r\nConnection: close\r\n\r\n`);
  });
  socket.on("data", (part: Buffer) => received.push(part));
  socket.once("data", () => socket.pause());
  return { socket, received };
}

/** Reads the rest of a paused connection until the server closes it; the body, unchunked. */
async function readToClose({ socket, received }: Follower): Promise<string> {
  const closed = new Promise<void>((resolve) => socket.once("end", resolve));
  socket.resume();
  await closed;
  const text = Buffer.concat(received).toString("latin1");
  return dechunk(text.slice(text.indexOf("\r\n\r\n") + 4));
}

/** The payload of a chunked HTTP/1.1 body. */
function dechunk(body: string): string {
  let out = "";
  for (let at = 0; ; ) {
    const eol = body.indexOf("\r\n", at);
    const size = Number.parseInt(body.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

describe("GET /plugins/portables/{name}/logs?follow=1", () => {
  test("a follower that stops reading is ended with a last line saying so", async () => {
    await using server = await startServer({ config: "portable:\n  stopTimeout: 500ms\n" });
    const name = uniquePluginName();
    const flood = { lineBytes: 100, bytesPerSecond: 20_000_000 };
    const zip = portablePluginZip({ name, behaviour: { flood } });
    await using files = startFileServer({ "/p.zip": zip });
    const res = await server.send("POST", "/plugins/portables", {
      name,
      file: files.url("/p.zip"),
    });
    expect(res.status).toBe(201);
    const output = portableOutput(server.plugd.ctx, name);
    if (output === undefined) throw new Error("the plugin has no output buffer");
    const follower = stalledFollower(server.plugd.port, `/plugins/portables/${name}/logs?follow=1`);
    await waitFor(() => output.listenerCount === 1, "the follower to subscribe");
    await waitFor(() => output.listenerCount === 0, "the stalled follower to be ended", 30_000);
    const body = await readToClose(follower);
    expect(body).toEndWith(`\n${fellBehindLine}`);
    follower.socket.destroy();
  }, 60_000);
});
