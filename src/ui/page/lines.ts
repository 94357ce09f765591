// Reads a streamed answer (follow logs, NDJSON) line by line until it ends or is aborted.

/**
 * Calls `onLine` for every complete line of `response`'s body. Resolves when the body ends or
 * the request's signal aborts it (an abort is not an error here).
 */
export async function readLines(response: Response, onLine: (line: string) => void) {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const parts = (rest + value).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) onLine(line);
    }
    if (rest) onLine(rest);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === "AbortError")) throw error;
  }
}
