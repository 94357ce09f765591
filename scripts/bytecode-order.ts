// Records which bytecode a start of plugd touches, for `bun build --bytecode-order` (less memory).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs `binary` (a plain build for this machine) as a gateway starts it: serve on a new home,
 * answer /ping and a plugin list, stop on SIGTERM. Bun writes the functions that ran to
 * `orderFile` on exit. Throws when the run fails or writes no profile.
 */
export async function recordBytecodeOrder(binary: string, orderFile: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "plugd-order-"));
  rmSync(orderFile, { force: true });
  const proc = Bun.spawn([binary, "serve", "--home", home, "--host", "127.0.0.1", "--port", "0"], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", BUN_BYTECODE_ORDER_OUT: orderFile },
  });
  try {
    const url = await listeningUrl(proc.stdout);
    for (const path of ["/ping", "/plugins/sources", "/plugins/functions"]) {
      await (await fetch(`${url}${path}`)).arrayBuffer();
    }
    proc.kill("SIGTERM");
    const code = await proc.exited;
    if (code !== 0 || !existsSync(orderFile)) {
      const err = await new Response(proc.stderr).text();
      throw new Error(`recording the bytecode order failed (exit ${code}):\n${err}`);
    }
  } finally {
    proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The URL of plugd's "plugd is listening" line; throws when the output ends without it. The rest
 * of the output is read on and dropped: a closed pipe would fail plugd's next log line.
 */
async function listeningUrl(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`plugd ended before listening:\n${text}`);
    text += decoder.decode(value, { stream: true });
    const url = /"msg":"plugd is listening".*?"url":"([^"]+)"/.exec(text)?.[1];
    if (url) {
      void drain(reader);
      return url;
    }
  }
}

async function drain(reader: { read(): Promise<{ done: boolean }> }): Promise<void> {
  while (!(await reader.read()).done) {}
}
