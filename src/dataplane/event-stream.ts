// A source stream as an HTTP answer: Server-Sent Events or NDJSON, with a bounded queue per client.
import type { StreamEvent, Subscriber } from "./session.ts";

export type StreamFormat = "sse" | "ndjson";

export interface EventStreamOptions {
  readonly format: StreamFormat;
  /** Bytes queued for a client that does not read before it is ended. */
  readonly queueBytes: number;
  /** SSE: a comment line this often, so proxies keep the connection. */
  readonly keepAliveMs: number;
  readonly client: string | undefined;
}

const encoder = new TextEncoder();

/** The text of one event in `format`. */
export function formatEvent(format: StreamFormat, event: StreamEvent): string {
  const body =
    event.kind === "message"
      ? JSON.stringify({ message: event.data.message, meta: event.data.meta })
      : JSON.stringify(event.kind === "end" ? { end: event.reason } : { restart: true });
  if (format === "ndjson") return `${body}\n`;
  if (event.kind === "message") return `data: ${body}\n\n`;
  return `event: ${event.kind}\ndata: ${body}\n\n`;
}

/**
 * A subscriber and the stream that carries what it is given. The stream's queue holds at most
 * `queueBytes`; when a push would go over, push() answers false and the hub ends the client.
 * `onCancel` runs when the client goes away.
 */
export function eventStream(
  options: EventStreamOptions,
  onCancel: () => void,
): { subscriber: Subscriber; body: ReadableStream<Uint8Array> } {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let open = true;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const close = () => {
    open = false;
    clearInterval(keepAlive);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (options.format === "sse") {
          keepAlive = setInterval(() => {
            if (open) c.enqueue(encoder.encode(": keep-alive\n\n"));
          }, options.keepAliveMs);
        }
      },
      cancel() {
        close();
        onCancel();
      },
    },
    { highWaterMark: options.queueBytes, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  const subscriber: Subscriber = {
    client: options.client,
    push(event) {
      if (!open || !controller) return true;
      const bytes = encoder.encode(formatEvent(options.format, event));
      if ((controller.desiredSize ?? 0) < bytes.byteLength) return false;
      controller.enqueue(bytes);
      return true;
    },
    end(reason) {
      if (!open || !controller) return;
      controller.enqueue(encoder.encode(formatEvent(options.format, { kind: "end", reason })));
      close();
      controller.close();
    },
  };
  return { subscriber, body };
}
