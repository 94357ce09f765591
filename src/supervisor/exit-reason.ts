// Words for why a child stopped, with the last lines it printed, for errMsg (pure).

import type { ExitResult } from "./spawn.ts";

/** errMsg keeps at most this many characters of output, the end being the useful part. */
const maxOutputChars = 2000;

/** "exited with code 3" or "killed by signal SIGKILL". */
export function describeExit(result: ExitResult): string {
  if (result.signal !== null) return `killed by signal ${result.signal}`;
  return `exited with code ${result.code ?? "unknown"}`;
}

/** `reason`, then ": " and the last output lines (one per line), when there are any. */
export function withLastLines(reason: string, lines: readonly string[]): string {
  if (lines.length === 0) return reason;
  let output = lines.join("\n");
  if (output.length > maxOutputChars) output = `…${output.slice(-maxOutputChars)}`;
  return `${reason}: ${output}`;
}
