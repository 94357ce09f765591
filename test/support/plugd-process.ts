// Runs plugd as a real process (from source or a compiled binary) and finds its URL in its log.
import type { Subprocess } from "bun";

export interface PlugdProcess extends AsyncDisposable {
  readonly url: string;
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number>;
}

/** Starts `command` (which must serve on port 0) and waits for its "plugd is listening" line. */
export async function spawnPlugd(
  command: string[],
  env: Record<string, string> = {},
): Promise<PlugdProcess> {
  const proc = Bun.spawn(command, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const url = await new Promise<string>((resolve, reject) => {
    const check = setInterval(() => {
      const match = /"msg":"plugd is listening".*?"url":"([^"]+)"/.exec(text);
      if (match?.[1]) {
        clearInterval(check);
        resolve(match[1]);
      } else if (proc.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`plugd exited with ${proc.exitCode} before listening:\n${text}`));
      }
    }, 5);
  });
  const exited = async () => {
    const code = await proc.exited;
    await pumped;
    return code;
  };
  return {
    url,
    proc,
    output: () => text,
    exited,
    [Symbol.asyncDispose]: async () => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      await exited();
    },
  };
}
