import { describe, expect, test } from "bun:test";
import { eventStream, formatEvent } from "./event-stream.ts";

const message = (n: number) =>
  ({ kind: "message", data: { message: { n, pad: "x".repeat(40) }, meta: null } }) as const;

describe("eventStream", () => {
  test("formats messages, restarts and ends as SSE and as NDJSON", () => {
    expect(formatEvent("sse", message(1))).toBe(
      `data: {"message":{"n":1,"pad":"${"x".repeat(40)}"},"meta":null}\n\n`,
    );
    expect(formatEvent("sse", { kind: "restart" })).toBe(
      'event: restart\ndata: {"restart":true}\n\n',
    );
    expect(formatEvent("ndjson", { kind: "end", reason: "deleted" })).toBe('{"end":"deleted"}\n');
  });

  test("refuses a push that would take a client that does not read past its queue", async () => {
    const options = {
      format: "ndjson",
      queueBytes: 300,
      keepAliveMs: 60_000,
      client: "c",
    } as const;
    const { subscriber, body } = eventStream(options, () => {});
    let accepted = 0;
    while (subscriber.push(message(accepted))) accepted++;
    const line = formatEvent("ndjson", message(0)).length;
    expect(accepted).toBe(Math.floor(300 / line));
    subscriber.end("this client fell behind");
    const text = await new Response(body).text();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(accepted + 1);
    expect(lines.at(-1)).toBe('{"end":"this client fell behind"}');
  });

  test("tells the hub when the client goes away", async () => {
    let cancelled = 0;
    const options = { format: "sse", queueBytes: 1024, keepAliveMs: 60_000, client: "c" } as const;
    const { subscriber, body } = eventStream(options, () => cancelled++);
    subscriber.push(message(1));
    await body.cancel();
    expect(cancelled).toBe(1);
    expect(subscriber.push(message(2))).toBe(true);
  });
});
