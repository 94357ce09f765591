// Tests of FunctionChannel against an in-process REQ peer playing the plugin's function runtime (B.4).

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { tempDir } from "../../test/support/nng-kit.ts";
import { ReqSocket } from "../../test/support/nng-req/req-socket.ts";
import {
  type LogRecord,
  recordingLogger,
} from "../../test/support/portable-plugins/plugin-harness.ts";
import { FunctionChannel } from "./function-channel.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);
const meta = { ruleId: "rule1", opId: "op1", instanceId: 0, funcId: 0 };

let dir: ReturnType<typeof tempDir>;
let channel: FunctionChannel;
let req: ReqSocket;
let logs: LogRecord[];

/** The plugin's side: reads one call and answers `reply`; returns the call's text. */
async function answer(reply: string): Promise<string> {
  const call = text(await req.recv());
  await req.send(bytes(reply));
  return call;
}

beforeEach(async () => {
  dir = tempDir();
  logs = [];
  channel = new FunctionChannel({
    symbol: "echo",
    pluginName: "mirror",
    socketDir: dir.path,
    logger: recordingLogger(logs),
    timeoutMs: 300,
  });
  await channel.listen();
  req = new ReqSocket();
  await req.dial(channel.url);
  await req.send(bytes("handshake"));
});

afterEach(async () => {
  await req.close();
  await channel.close();
  dir[Symbol.dispose]();
});

describe("FunctionChannel", () => {
  test("the first call answers the pending handshake and returns the plugin's result", async () => {
    const result = channel.call("Exec", ["hello"], meta);
    expect(await answer('{"state":true,"result":"hello"}')).toBe(
      '{"func":"Exec","arg":["hello","{\\"ruleId\\":\\"rule1\\",\\"opId\\":\\"op1\\",\\"instanceId\\":0,\\"funcId\\":0}"]}',
    );
    expect(await result).toEqual({ state: true, result: "hello" });
  });

  test("keepalive handshakes sent while idle are skipped by sending the call again", async () => {
    const first = channel.call("IsAggregate", null);
    await answer('{"state":true,"result":false}');
    await first;
    // Idle: the plugin gives up its pending request twice and shakes hands each time.
    await req.send(bytes("handshake"));
    await req.send(bytes("handshake"));
    const second = channel.call("Validate", []);
    expect(await answer('{"state":true,"result":""}')).toBe('{"func":"Validate","arg":[]}');
    expect(await second).toEqual({ state: true, result: "" });
  });

  test("a reply that is not JSON fails the call with eKuiper's message", async () => {
    const result = channel.call("Exec", ["x"], meta);
    await answer("garbage");
    await expect(result).rejects.toThrow("Failed to unmarshal function result garbage");
  });

  test("an Exec over 1 MiB is refused before sending; exactly 1 MiB goes through", async () => {
    const empty = '{"func":"Exec","arg":["",""]}'.length;
    const metaLength =
      JSON.stringify('{"ruleId":"rule1","opId":"op1","instanceId":0,"funcId":0}').length - 2;
    const fits = "x".repeat(1_048_572 - empty - metaLength);
    const ok = channel.call("Exec", [fits], meta);
    const call = await answer('{"state":true,"result":1}');
    expect(call.length + 4).toBe(1_048_576);
    await ok;
    expect(() => channel.call("Exec", [`${fits}x`], meta)).toThrow(
      "the Exec call of function echo is 1048577 bytes on the wire",
    );
  });

  test("a plugin that does not answer makes the call time out naming function and plugin", async () => {
    const result = channel.call("Exec", ["x"], meta);
    await req.recv();
    await expect(result).rejects.toThrow(
      "time out, function echo of portable plugin mirror did not answer Exec within 300 ms",
    );
  });

  test("after a new process shook hands, the old connection gets no call and its stale result is ignored", async () => {
    const old = channel.call("Exec", ["old"], meta);
    await answer('{"state":true,"result":"old"}');
    await old;
    channel.expectNewPeer();
    // An orphan with REQ resend on sends its last request again.
    await req.send(bytes('{"state":true,"result":"old"}'));
    await using fresh = new ReqSocket();
    await fresh.dial(channel.url);
    await fresh.send(bytes("handshake"));
    const result = channel.call("Exec", ["fresh"], meta);
    expect(text(await fresh.recv())).toStartWith('{"func":"Exec","arg":["fresh"');
    await fresh.send(bytes('{"state":true,"result":"fresh"}'));
    expect(await result).toEqual({ state: true, result: "fresh" });
    expect(logs.some((r) => r.msg === "ignoring a stale function connection")).toBe(true);
  });
});
