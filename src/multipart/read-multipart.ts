// Reads a multipart/form-data stream as it arrives: the scanner's events, one at a time.
import { type MultipartEvent, MultipartScanner, type ScanLimits } from "./multipart-scanner.ts";

/**
 * The events of the multipart body in `stream`. A data event's bytes are valid until the next
 * event is asked for. Reading stops at the closing boundary (the epilogue is not read); when
 * the caller stops early or the body is malformed, the stream is cancelled.
 * @throws AppError 400 for a malformed or truncated body; whatever the stream throws.
 */
export async function* readMultipart(
  stream: ReadableStream<Uint8Array>,
  boundary: string,
  limits?: ScanLimits,
): AsyncGenerator<MultipartEvent, void, undefined> {
  const scanner = new MultipartScanner(boundary, limits);
  const reader = stream.getReader();
  let ended = false;
  try {
    while (!scanner.done) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      yield* scanner.push(value);
    }
    scanner.finish();
  } finally {
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
