// Byte-exact tests of the command encoders against the captures in portable-protocol.md (A.5, B.3).

import { describe, expect, test } from "bun:test";
import { encodeRequestId } from "../../test/support/nng-req/request-id.ts";
import { AppError } from "../errors.ts";
import { encodeFrame } from "../nng/frame.ts";
import {
  encodeCommand,
  encodeControl,
  encodeFuncData,
  encodeFuncMeta,
  parseFuncReply,
} from "./commands.ts";
import { goJson, goString } from "./go-json.ts";

const hex = (text: string) =>
  Uint8Array.from(text.trim().split(/\s+/), (b) => Number.parseInt(b, 16));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const meta1 = { ruleId: "rule1", opId: "op1", instanceId: 0 };

describe("encodeCommand", () => {
  test("a start func command framed as a REP reply equals the A.5 capture byte for byte", () => {
    const capture = hex(`
      01 00 00 00 00 00 00 00 87 b4 6e 6e a9 7b 22 63 6d 64 22 3a 22 73 74 61 72 74 22 2c 22 61
      72 67 22 3a 22 7b 5c 22 73 79 6d 62 6f 6c 4e 61 6d 65 5c 22 3a 5c 22 65 63 68 6f 5c 22 2c
      5c 22 6d 65 74 61 5c 22 3a 7b 5c 22 72 75 6c 65 49 64 5c 22 3a 5c 22 5c 22 2c 5c 22 6f 70
      49 64 5c 22 3a 5c 22 5c 22 2c 5c 22 69 6e 73 74 61 6e 63 65 49 64 5c 22 3a 30 7d 2c 5c 22
      70 6c 75 67 69 6e 54 79 70 65 5c 22 3a 5c 22 66 75 6e 63 5c 22 7d 22 7d`);
    const body = encodeCommand("start", { symbolName: "echo", pluginType: "func" });
    expect(encodeFrame(encodeRequestId(0xb46e6ea9), body)).toEqual(capture);
  });

  test("a stop command carries the same Control with cmd stop", () => {
    const body = encodeCommand("stop", { symbolName: "s", pluginType: "source", meta: meta1 });
    expect(text(body)).toBe(
      '{"cmd":"stop","arg":"{\\"symbolName\\":\\"s\\",\\"meta\\":{\\"ruleId\\":\\"rule1\\",' +
        '\\"opId\\":\\"op1\\",\\"instanceId\\":0},\\"pluginType\\":\\"source\\"}"}',
    );
  });
});

describe("encodeControl", () => {
  test("a source Control matches B.3 with its config keys sorted at every depth", () => {
    const control = {
      symbolName: "random",
      pluginType: "source" as const,
      meta: meta1,
      dataSource: "topic1",
      config: { seed: 1, pattern: { count: 50 }, interval: 100 },
    };
    expect(encodeControl(control)).toBe(
      '{"symbolName":"random","meta":{"ruleId":"rule1","opId":"op1","instanceId":0},' +
        '"pluginType":"source","dataSource":"topic1","config":{"interval":100,"pattern":{"count":50},"seed":1}}',
    );
  });

  test("a sink Control matches B.3 and leaves out the empty dataSource", () => {
    const control = {
      symbolName: "file",
      pluginType: "sink" as const,
      meta: { ruleId: "rule1", opId: "op2", instanceId: 0 },
      dataSource: "",
      config: { requireAck: false, path: "/tmp/out.txt" },
    };
    expect(encodeControl(control)).toBe(
      '{"symbolName":"file","meta":{"ruleId":"rule1","opId":"op2","instanceId":0},' +
        '"pluginType":"sink","config":{"path":"/tmp/out.txt","requireAck":false}}',
    );
  });

  test("an empty config is left out as Go's omitempty does", () => {
    expect(encodeControl({ symbolName: "echo", pluginType: "func", config: {} })).toBe(
      '{"symbolName":"echo","meta":{"ruleId":"","opId":"","instanceId":0},"pluginType":"func"}',
    );
  });

  test("a fractional instanceId is refused with a 400", () => {
    const control = {
      symbolName: "s",
      pluginType: "source" as const,
      meta: { ...meta1, instanceId: 1.5 },
    };
    expect(() => encodeControl(control)).toThrow(AppError);
  });
});

describe("encodeFuncData", () => {
  test("an Exec call framed as a REP reply equals the A.5 capture, FuncMeta appended", () => {
    const capture = hex(`
      01 00 00 00 00 00 00 00 6b 96 52 ff ef 7b 22 66 75 6e 63 22 3a 22 45 78 65 63 22 2c 22 61
      72 67 22 3a 5b 22 68 65 6c 6c 6f 22 2c 22 7b 5c 22 72 75 6c 65 49 64 5c 22 3a 5c 22 72 75
      6c 65 31 5c 22 2c 5c 22 6f 70 49 64 5c 22 3a 5c 22 6f 70 31 5c 22 2c 5c 22 69 6e 73 74 61
      6e 63 65 49 64 5c 22 3a 30 2c 5c 22 66 75 6e 63 49 64 5c 22 3a 30 7d 22 5d 7d`);
    const body = encodeFuncData("Exec", ["hello"], { ...meta1, funcId: 0 });
    expect(encodeFrame(encodeRequestId(0x9652ffef), body)).toEqual(capture);
  });

  test("IsAggregate sends a null arg and Validate sends its nodes without meta", () => {
    const funcMeta = { ...meta1, funcId: 2 };
    expect(text(encodeFuncData("IsAggregate", ["ignored"], funcMeta))).toBe(
      '{"func":"IsAggregate","arg":null}',
    );
    expect(text(encodeFuncData("Validate", [{ Val: "x" }], funcMeta))).toBe(
      '{"func":"Validate","arg":[{"Val":"x"}]}',
    );
  });

  test("Exec with arguments that are not an array is refused with a 400", () => {
    expect(() => encodeFuncData("Exec", "hello", { ...meta1, funcId: 0 })).toThrow(
      "the arguments of Exec must be a JSON array",
    );
  });

  test("FuncMeta keeps Go's field order ruleId, opId, instanceId, funcId", () => {
    expect(encodeFuncMeta({ funcId: 3, instanceId: 1, opId: "o", ruleId: "r" })).toBe(
      '{"ruleId":"r","opId":"o","instanceId":1,"funcId":3}',
    );
  });
});

describe("Go JSON encoding", () => {
  test.each([
    ["<a>&b", '"\\u003ca\\u003e\\u0026b"'],
    ["line\u2028sep\u2029", '"line\\u2028sep\\u2029"'],
    ["tab\t\bnl\n\f\u0001", '"tab\\t\\bnl\\n\\f\\u0001"'],
    ["lone \ud800 surrogate", '"lone \\ufffd surrogate"'],
    ["back\\ud800slash", '"back\\\\ud800slash"'],
    ["ünïcode ✓ 😀", '"ünïcode ✓ 😀"'],
  ])("the string %p is written as Go writes it", (input, expected) => {
    expect(goString(input)).toBe(expected);
  });

  test("map keys are sorted by bytes, integer-like keys included, at every depth", () => {
    expect(goJson({ b: [{ z: 1, a: 2 }], "10": true, "9": null, a: -0 })).toBe(
      '{"10":true,"9":null,"a":-0,"b":[{"a":2,"z":1}]}',
    );
  });

  test("byte arrays become base64 strings and NaN is refused", () => {
    expect(goJson([Uint8Array.of(1, 2, 3)])).toBe('["AQID"]');
    expect(() => goJson(Number.NaN)).toThrow("unsupported value");
  });
});

describe("parseFuncReply", () => {
  test("a reply is read as state and result", () => {
    const reply = new TextEncoder().encode('{"state":true,"result":"hello"}');
    expect(parseFuncReply(reply)).toEqual({ state: true, result: "hello" });
  });

  test("null is the zero reply, as Go unmarshals it", () => {
    expect(parseFuncReply(new TextEncoder().encode("null"))).toEqual({
      state: false,
      result: null,
    });
  });

  test.each(["not json", "[1]", '{"state":"yes"}'])("%p fails to unmarshal", (body) => {
    expect(() => parseFuncReply(new TextEncoder().encode(body))).toThrow(
      `Failed to unmarshal function result ${body}`,
    );
  });
});
