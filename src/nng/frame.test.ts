// Unit tests of the SP wire format, byte-exact against the captures in portable-protocol.md.
import { describe, expect, test } from "bun:test";
import { text } from "../../test/support/nng-kit.ts";
import { encodeRequestId, nextRequestId } from "../../test/support/nng-req/request-id.ts";
import {
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  Protocol,
  splitBacktrace,
  validateHeader,
} from "./frame.ts";
import { NngError } from "./nng-error.ts";

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

function kindOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof NngError) return err.kind;
    throw err;
  }
  return undefined;
}

const startCommand =
  '{"cmd":"start","arg":"{\\"symbolName\\":\\"echo\\",\\"meta\\":{\\"ruleId\\":\\"\\",\\"opId\\":\\"\\",' +
  '\\"instanceId\\":0},\\"pluginType\\":\\"func\\"}"}';
const execCall =
  '{"func":"Exec","arg":["hello","{\\"ruleId\\":\\"rule1\\",\\"opId\\":\\"op1\\",\\"instanceId\\":0,' +
  '\\"funcId\\":0}"]}';

describe("SP header", () => {
  test.each([
    ["pair0", Protocol.pair0, "00 53 50 00 00 10 00 00"],
    ["req0", Protocol.req0, "00 53 50 00 00 30 00 00"],
    ["rep0", Protocol.rep0, "00 53 50 00 00 31 00 00"],
    ["push0", Protocol.push0, "00 53 50 00 00 50 00 00"],
    ["pull0", Protocol.pull0, "00 53 50 00 00 51 00 00"],
  ])("encodes the %s header as captured from libnng", (_name, id, bytes) => {
    expect(encodeHeader(id)).toEqual(hex(bytes));
  });

  test("accepts the header of the expected peer", () => {
    expect(kindOf(() => validateHeader(hex("00 53 50 00 00 30 00 00"), Protocol.req0))).toBe(
      undefined,
    );
  });

  test.each([
    ["another protocol (PUSH0 at a REP0)", "00 53 50 00 00 50 00 00"],
    ["a wrong magic", "00 53 51 00 00 30 00 00"],
    ["a protocol version other than 0", "00 53 50 01 00 30 00 00"],
    ["non-zero reserved bytes", "00 53 50 00 00 30 00 01"],
    ["HTTP instead of SP", "47 45 54 20 2f 20 48 54"],
  ])("rejects a header with %s", (_name, bytes) => {
    expect(kindOf(() => validateHeader(hex(bytes), Protocol.req0))).toBe("protocol");
  });
});

describe("frame encoding", () => {
  test("encodes the plugin's handshake request byte for byte", () => {
    const frame = encodeFrame(encodeRequestId(0xb46e6ea9), text("handshake"));
    expect(frame).toEqual(hex("01 00 00 00 00 00 00 00 0d b4 6e 6e a9 68 61 6e 64 73 68 61 6b 65"));
  });

  test("encodes the start command reply with L = 0x87 and the request id echoed", () => {
    const frame = encodeFrame(encodeRequestId(0xb46e6ea9), text(startCommand));
    expect(frame.subarray(0, 16)).toEqual(hex("01 00 00 00 00 00 00 00 87 b4 6e 6e a9 7b 22 63"));
    expect(frame.length).toBe(9 + 0x87);
  });

  test("encodes the answer with the next id: 01 | L=6 | b46e6eaa | ok", () => {
    const frame = encodeFrame(encodeRequestId(nextRequestId(0xb46e6ea9)), text("ok"));
    expect(frame).toEqual(hex("01 00 00 00 00 00 00 00 06 b4 6e 6e aa 6f 6b"));
  });

  test("encodes the captured Exec call and its result", () => {
    const call = encodeFrame(encodeRequestId(0x9652ffef), text(execCall));
    expect(call.subarray(0, 16)).toEqual(hex("01 00 00 00 00 00 00 00 6b 96 52 ff ef 7b 22 66"));
    expect(call.length).toBe(9 + 0x6b);
    const result = encodeFrame(
      encodeRequestId(0x9652fff0),
      text('{"state":true,"result":"hello"}'),
    );
    expect(result.subarray(0, 16)).toEqual(hex("01 00 00 00 00 00 00 00 23 96 52 ff f0 7b 22 73"));
  });

  test("frames a PUSH body with no protocol header", () => {
    expect(encodeFrame(text('{"a":1}'))).toEqual(
      hex("01 00 00 00 00 00 00 00 07 7b 22 61 22 3a 31 7d"),
    );
  });
});

describe("FrameDecoder", () => {
  const a = encodeFrame(encodeRequestId(0xb46e6ea9), text("handshake"));
  const b = encodeFrame(text(""));
  const c = encodeFrame(text("third frame"));
  const stream = Uint8Array.from([...a, ...b, ...c]);
  const payloads = [a.subarray(9), new Uint8Array(0), c.subarray(9)];

  test("decodes several frames from one chunk", () => {
    expect(new FrameDecoder().push(stream)).toEqual(payloads);
  });

  test("decodes the same payloads whatever the split point", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const got = [...decoder.push(stream.slice(0, cut)), ...decoder.push(stream.slice(cut))];
      expect(got).toEqual(payloads);
    }
  });

  test("decodes a stream fed one byte at a time", () => {
    const decoder = new FrameDecoder();
    const got = Array.from(stream).flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(got).toEqual(payloads);
  });

  test("refuses a frame whose type byte is not 0x01", () => {
    const garbage = Uint8Array.from([0x02, ...a.subarray(1)]);
    expect(kindOf(() => new FrameDecoder().push(garbage))).toBe("protocol");
  });

  test("accepts a payload of exactly maxRecvSize and refuses one byte more", () => {
    expect(new FrameDecoder(13).push(a)).toEqual([a.subarray(9)]);
    expect(kindOf(() => new FrameDecoder(12).push(a.subarray(0, 9)))).toBe("toolarge");
  });

  test("refuses a length beyond 2^53 even when unlimited", () => {
    const huge = hex("01 ff 00 00 00 00 00 00 01");
    expect(kindOf(() => new FrameDecoder(0).push(huge))).toBe("toolarge");
  });
});

describe("REQ/REP ids", () => {
  test("splits a one-word backtrace from the body", () => {
    const split = splitBacktrace(hex("b4 6e 6e a9 68 69"));
    expect(split).toEqual({ kind: "ok", backtrace: hex("b4 6e 6e a9"), body: text("hi") });
  });

  test("keeps a device hop in the backtrace, as in the captured 00000007 80000002", () => {
    const split = splitBacktrace(
      Uint8Array.from([...hex("00 00 00 07 80 00 00 02"), ...text("x")]),
    );
    expect(split).toEqual({
      kind: "ok",
      backtrace: hex("00 00 00 07 80 00 00 02"),
      body: text("x"),
    });
  });

  test.each([
    ["fewer than 4 bytes", "80 00 00"],
    ["no word with the top bit set", "00 00 00 01 00 00 00 02 61"],
    ["an empty payload", ""],
  ])("treats a request with %s as garbage", (_name, bytes) => {
    expect(splitBacktrace(hex(bytes))).toEqual({ kind: "garbage" });
  });

  test("accepts 8 words and drops a 9-word backtrace (TTL)", () => {
    const hops = (n: number) => Array.from({ length: n }, () => [0, 0, 0, 1]).flat();
    expect(splitBacktrace(Uint8Array.from([...hops(7), 0x80, 0, 0, 1])).kind).toBe("ok");
    expect(splitBacktrace(Uint8Array.from([...hops(8), 0x80, 0, 0, 1]))).toEqual({ kind: "ttl" });
  });
});
