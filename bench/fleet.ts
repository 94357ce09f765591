// Applying a set of 50 plugins with one import against 50 single creates in a row, in one run,
// and re-applying the unchanged set.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFileServer } from "../test/support/http-fixtures.ts";
import { nativePluginZip } from "../test/support/plugin-zips.ts";
import { freePort, median, startPlugdProcess, waitForHttp } from "./support/processes.ts";

const count = Number(process.env.BENCH_PLUGINS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const types = ["sources", "sinks", "functions"] as const;
const plugins = Array.from({ length: count }, (_, i) => ({
  type: types[i % 3] ?? "sinks",
  name: `p${i}`,
}));
await using files = startFileServer(
  Object.fromEntries(plugins.map((p) => [`/${p.name}.zip`, nativePluginZip(p)])),
);
const set = {
  nativePlugins: Object.fromEntries(
    plugins.map((p) => [
      `${p.type}_${p.name}`,
      JSON.stringify({ name: p.name, file: files.url(`/${p.name}.zip`) }),
    ]),
  ),
};
const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function withPlugd<T>(work: (base: string) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), "plugd-bench-fleet-"));
  mkdirSync(join(home, "etc"), { recursive: true });
  const port = freePort();
  const proc = startPlugdProcess(home, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/ping`);
    return await work(base);
  } finally {
    proc.kill();
    await proc.exited;
    rmSync(home, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const singles: number[] = [];
const imports: number[] = [];
const reapplies: number[] = [];
for (let round = 0; round < rounds; round++) {
  singles.push(
    await withPlugd((base) =>
      timed(async () => {
        for (const p of plugins) {
          const res = await fetch(
            `${base}/plugins/${p.type}`,
            json({ name: p.name, file: files.url(`/${p.name}.zip`) }),
          );
          if (res.status !== 201) throw new Error(`create answered ${res.status}`);
        }
      }),
    ),
  );
  await withPlugd(async (base) => {
    const apply = async () => {
      const res = await fetch(`${base}/data/import`, json({ content: JSON.stringify(set) }));
      if (res.status !== 200) throw new Error(`import answered ${res.status}: ${await res.text()}`);
    };
    imports.push(await timed(apply));
    reapplies.push(await timed(apply));
  });
}
const ms = (values: number[]) =>
  `${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(", ")})`;
console.log(`${count} single creates in a row: ${ms(singles)}`);
console.log(
  `one import of the ${count}: ${ms(imports)}  (${(median(imports) / median(singles)).toFixed(2)}x the single creates)`,
);
console.log(`re-applying the unchanged set: ${ms(reapplies)}`);
