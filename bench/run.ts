// Runs every benchmark in turn, each in its own process so none warms up another.
import { join } from "node:path";

const benches = [
  "install.ts",
  "list-rps.ts",
  "footprint.ts",
  "portable-roundtrip.ts",
  "nng-roundtrip.ts",
  "zip-extract.ts",
  "uploads.ts",
  "dataplane.ts",
  "fleet.ts",
  "fleet-mqtt.ts",
  "flood.ts",
  "ui.ts",
];
const only = process.argv.slice(2);

for (const bench of benches) {
  if (only.length > 0 && !only.some((name) => bench.startsWith(name))) continue;
  console.log(`\n== bench/${bench}`);
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, bench)], {
    stdout: "inherit",
    stderr: "inherit",
  });
  const code = await proc.exited;
  if (code !== 0) {
    console.error(`bench/${bench} exited with ${code}`);
    process.exitCode = 1;
  }
}
