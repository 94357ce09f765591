// Tests of ControlChannel against in-process REQ peers playing the plugin, one rule of B.3 each.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { tempDir } from "../../test/support/nng-kit.ts";
import { ReqSocket } from "../../test/support/nng-req/req-socket.ts";
import {
  type LogRecord,
  recordingLogger,
} from "../../test/support/portable-plugins/plugin-harness.ts";
import { waitFor } from "../../test/support/wait.ts";
import { AppError } from "../errors.ts";
import { encodeCommand, type SymbolControl } from "./commands.ts";
import { ControlChannel } from "./control-channel.ts";

const echo: SymbolControl = { symbolName: "echo", pluginType: "func" };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

let dir: ReturnType<typeof tempDir>;
let logs: LogRecord[];
let channel: ControlChannel;
const peers: ReqSocket[] = [];

async function plugin(first?: string): Promise<ReqSocket> {
  const req = new ReqSocket();
  peers.push(req);
  await req.dial(channel.url);
  if (first !== undefined) await req.send(bytes(first));
  return req;
}

beforeEach(async () => {
  dir = tempDir();
  logs = [];
  channel = new ControlChannel({
    name: "mirror",
    socketDir: dir.path,
    logger: recordingLogger(logs),
    commandTimeoutMs: 300,
  });
  await channel.listen();
});

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  await channel.close();
  dir[Symbol.dispose]();
});

describe("ControlChannel", () => {
  test("a start command is the reply to the handshake and ok completes it", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo);
    expect(await req.recv()).toEqual(encodeCommand("start", echo));
    await req.send(bytes("ok"));
    await done;
  });

  test("a keepalive handshake instead of the answer gets the same command again", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo);
    const first = await req.recv();
    await req.send(bytes("handshake"));
    expect(await req.recv()).toEqual(first);
    await req.send(bytes("ok"));
    await done;
  });

  test("an answer other than ok is a 400 carrying the plugin's text", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo);
    await req.recv();
    await req.send(bytes("symbol not found"));
    const err = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toBe(
      "portable plugin mirror refused start func echo: symbol not found",
    );
  });

  test("a plugin that never answers fails the command with a message naming it", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("stop", echo);
    await req.recv();
    await expect(done).rejects.toThrow(
      "portable plugin mirror did not answer stop func echo within 300 ms",
    );
  });

  test("an error text starting with h is skipped as a handshake until the deadline, which says so", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo).catch((err: unknown) => err);
    for (let i = 0; i < 3; i++) {
      await req.recv();
      await req.send(bytes("hmm, no"));
    }
    expect(String(await done)).toContain('it kept answering "hmm, no", which reads as a handshake');
  });

  test("after a timed-out command the next one first takes the late answer (ESTATE rule)", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const late = channel.command("start", echo);
    await req.recv();
    await expect(late).rejects.toThrow("did not answer");
    await req.send(bytes("ok"));
    const next = channel.command("stop", echo);
    expect(text(await req.recv())).toStartWith('{"cmd":"stop"');
    await req.send(bytes("ok"));
    await next;
  });

  test("any first message is taken as the handshake, with a warning unless it is handshake", async () => {
    await plugin("hello");
    await channel.waitHandshake(1000);
    expect(
      logs.find((r) => r.msg === "the first control message is not a handshake")?.message,
    ).toBe("hello");
  });

  test("no handshake in time is an error naming the plugin", async () => {
    await expect(channel.waitHandshake(50)).rejects.toThrow(
      "no handshake from portable plugin mirror within 50 ms",
    );
  });

  test("a command over 1 MiB is refused before anything is sent", async () => {
    const big = { ...echo, pluginType: "source" as const, config: { blob: "x".repeat(1_048_576) } };
    expect(() => channel.command("start", big)).toThrow(
      "Go plugins drop the connection past 1048576 bytes",
    );
  });

  test("a connection made before the new process is ignored: its stale ok is no handshake", async () => {
    const orphan = await plugin("ok");
    await waitFor(() => channel.peerCount === 1, "the orphan's connection");
    channel.expectNewPeer();
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo);
    expect(await req.recv()).toEqual(encodeCommand("start", echo));
    await orphan.send(bytes("ok"));
    await req.send(bytes("ok"));
    await done;
    expect(
      logs.some((r) => r.msg === "ignoring a control connection that is not the plugin process"),
    ).toBe(true);
  });

  test("interrupt fails the waiting command at once and later ones until a new process", async () => {
    const req = await plugin("handshake");
    await channel.waitHandshake(1000);
    const done = channel.command("start", echo);
    await req.recv();
    channel.interrupt(new Error("plugin exited"));
    await expect(done).rejects.toThrow("plugin exited");
    await expect(channel.waitHandshake(1000)).rejects.toThrow("plugin exited");
    channel.expectNewPeer();
    await plugin("handshake");
    await channel.waitHandshake(1000);
  });

  test("a plugin name making the socket path longer than 107 bytes is refused", () => {
    const make = () => new ControlChannel({ name: "n".repeat(100), logger: recordingLogger([]) });
    expect(make).toThrow(`the socket path of portable plugin ${"n".repeat(100)} is 116 bytes`);
  });
});
