// The answer of GET /plugins/portables/{name}/logs: the last lines, and optionally new ones as they come.
import type { OutputBuffer, OutputLine } from "../supervisor/output-buffer.ts";

const encoder = new TextEncoder();
const asText = (line: OutputLine): Uint8Array => encoder.encode(`${line.text}\n`);

/**
 * Plain text, one output line per line: the last `lines` lines and, with `follow`, every new
 * line until the client goes away (the subscription ends with the stream).
 */
export function logsResponse(output: OutputBuffer, lines: number, follow: boolean): Response {
  const headers = { "content-type": "text/plain; charset=utf-8" };
  const recent = output.tail(lines);
  if (!follow) return new Response(recent.map((l) => `${l.text}\n`).join(""), { headers });
  let unsubscribe: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const line of recent) controller.enqueue(asText(line));
      unsubscribe = output.subscribe((line) => controller.enqueue(asText(line)));
    },
    cancel() {
      unsubscribe();
    },
  });
  return new Response(body, { headers: { ...headers, "cache-control": "no-cache" } });
}
