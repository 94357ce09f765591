// A plugd home with many native function plugins, installed through the API of a plugd binary.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveArgs } from "../../test/support/plugd-process.ts";
import { nativePluginZip } from "../../test/support/plugin-zips.ts";
import { freePort, waitForHttp } from "./processes.ts";

/** Installs `count` function plugins (fn0000, fn0001, …), `parallel` at a time; returns the home. */
export async function homeWithPlugins(
  binary: string,
  count: number,
  parallel = 8,
): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), "plugd-bench-home-"));
  const zips = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const name = new URL(req.url).pathname.slice(1).replace(/\.zip$/, "");
      return new Response(nativePluginZip({ type: "functions", name }));
    },
  });
  const port = freePort();
  const proc = Bun.spawn([binary, ...serveArgs(home, port)], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/ping`);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const name = `fn${String(next++).padStart(4, "0")}`;
        const res = await fetch(`${base}/plugins/functions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name, file: `http://127.0.0.1:${zips.port}/${name}.zip` }),
        });
        if (res.status !== 201)
          throw new Error(`install ${name}: ${res.status} ${await res.text()}`);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return home;
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    zips.stop(true);
  }
}
