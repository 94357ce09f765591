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
  const subscriber = new StreamSubscriber(options);
  const body = new ReadableStream<Uint8Array>(
    {
      start: (controller) => subscriber.attach(controller),
      cancel: () => {
        subscriber.close();
        onCancel();
      },
    },
    { highWaterMark: options.queueBytes, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  return { subscriber, body };
}

class StreamSubscriber implements Subscriber {
  readonly client: string | undefined;
  readonly #format: StreamFormat;
  readonly #keepAliveMs: number;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #open = true;

  constructor(options: EventStreamOptions) {
    this.client = options.client;
    this.#format = options.format;
    this.#keepAliveMs = options.keepAliveMs;
  }

  attach(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    if (this.#format !== "sse") return;
    this.#keepAlive = setInterval(() => {
      if (this.#open) controller.enqueue(encoder.encode(": keep-alive\n\n"));
    }, this.#keepAliveMs);
  }

  push(event: StreamEvent): boolean {
    const controller = this.#controller;
    if (!this.#open || !controller) return true;
    const bytes = encoder.encode(formatEvent(this.#format, event));
    if ((controller.desiredSize ?? 0) < bytes.byteLength) return false;
    controller.enqueue(bytes);
    return true;
  }

  end(reason: string): void {
    const controller = this.#controller;
    if (!this.#open || !controller) return;
    controller.enqueue(encoder.encode(formatEvent(this.#format, { kind: "end", reason })));
    this.close();
    controller.close();
  }

  close(): void {
    this.#open = false;
    clearInterval(this.#keepAlive);
  }
}
