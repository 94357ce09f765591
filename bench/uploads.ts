// Parallel multipart uploads to a plugd process: its peak RSS above idle, and what it keeps after.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formAround, multipartType } from "../test/support/upload-client.ts";
import {
  freePort,
  MiB,
  peakRssDuring,
  rssOf,
  startPlugdProcess,
  waitForHttp,
} from "./support/processes.ts";

const uploads = Number(process.env.BENCH_UPLOADS ?? 4);
const sizeMiB = Number(process.env.BENCH_UPLOAD_MIB ?? 200);
const chunk = new Uint8Array(MiB).fill(0x5a);

/** A form carrying `sizeMiB` of file, made as it is sent: the client holds one MiB at a time. */
function formStream(name: string): ReadableStream<Uint8Array> {
  const { head, tail } = formAround(name);
  let sent = -1;
  return new ReadableStream({
    pull(controller) {
      if (sent === -1) controller.enqueue(new TextEncoder().encode(head));
      else if (sent < sizeMiB) controller.enqueue(chunk);
      else {
        controller.enqueue(new TextEncoder().encode(tail));
        controller.close();
      }
      sent += 1;
    },
  });
}

const home = mkdtempSync(join(tmpdir(), "plugd-bench-uploads-"));
mkdirSync(join(home, "etc"), { recursive: true });
// Room for every upload at once, so the figure is memory per upload, not the cap's refusals.
writeFileSync(
  join(home, "etc", "plugd.yaml"),
  `plugin:\n  maxDownloadSize: ${sizeMiB + 16}MiB\n  maxConcurrentUploads: ${uploads}\n`,
);
const port = freePort();
const proc = startPlugdProcess(home, port);
try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/ping`);
  const idle = await rssOf(proc.pid);
  const started = performance.now();
  const { result, peak } = await peakRssDuring(proc.pid, () =>
    Promise.all(
      Array.from({ length: uploads }, (_, i) =>
        fetch(`${base}/config/uploads`, {
          method: "POST",
          headers: { "content-type": multipartType },
          body: formStream(`upload-${i}.zip`),
        }).then((res) => res.status),
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  Bun.gc(true);
  const after = await rssOf(proc.pid);
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
  console.log(
    `${uploads} parallel ${sizeMiB} MiB multipart uploads: statuses ${result.join(",")} in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `server RSS: idle ${mib(idle)}, peak ${mib(peak)} (+${mib(peak - idle)}), after ${mib(after)} (+${mib(after - idle)})`,
  );
} finally {
  proc.kill();
  await proc.exited;
  rmSync(home, { recursive: true, force: true });
}
