// The answer of GET /plugins/portables/{name}/logs: the last lines, and optionally new ones as they come.
import type { OutputBuffer, OutputLine } from "../supervisor/output-buffer.ts";

/** Bytes a follower's answer may hold unsent before the follower is ended (1 MiB). */
export const followerQueueBytes = 1024 * 1024;

const encoder = new TextEncoder();
const asText = (line: OutputLine): Uint8Array => encoder.encode(`${line.text}\n`);

/** The last line a follower gets when it fell behind and was ended. */
export const fellBehindLine = `plugd: this follower fell behind by more than ${followerQueueBytes / 1024 / 1024} MiB and was ended; reconnect to go on\n`;

/**
 * Plain text, one output line per line: the last `lines` lines and, with `follow`, every new
 * line until the client goes away (the subscription ends with the stream). A follower whose
 * unsent new lines pass `queueBytes` (a client that does not read) gets `fellBehindLine` and its
 * answer ends, so no client can make plugd hold output for it without bound.
 */
export function logsResponse(
  output: OutputBuffer,
  lines: number,
  follow: boolean,
  queueBytes = followerQueueBytes,
): Response {
  const headers = { "content-type": "text/plain; charset=utf-8" };
  const recent = output.tail(lines);
  if (!follow) return new Response(recent.map((l) => `${l.text}\n`).join(""), { headers });
  const backlog = recent.map(asText);
  // The bound is on what comes after the lines asked for, which may be more than it.
  const highWaterMark = queueBytes + backlog.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  let unsubscribe: () => void = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        for (const chunk of backlog) controller.enqueue(chunk);
        unsubscribe = output.subscribe((line) => {
          controller.enqueue(asText(line));
          if ((controller.desiredSize ?? 0) >= 0) return;
          unsubscribe();
          controller.enqueue(encoder.encode(fellBehindLine));
          controller.close();
        });
      },
      cancel() {
        unsubscribe();
      },
    },
    { highWaterMark, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  return new Response(body, { headers: { ...headers, "cache-control": "no-cache" } });
}
