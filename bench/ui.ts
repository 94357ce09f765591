// The console: first load of /ui/ with every asset on loopback (goal < 100 ms), and with 1,000
// plugins installed, the time until headless Chromium shows the list filterable (goal < 300 ms).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildTarget } from "../scripts/build.ts";
import { hasChromium, startBrowser } from "../test/support/browser.ts";
import { serveArgs } from "../test/support/plugd-process.ts";
import { homeWithPlugins } from "./support/plugin-home.ts";
import { freePort, median, repoRoot, waitForHttp } from "./support/processes.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const pluginCount = Number(process.env.BENCH_PLUGINS ?? 1000);
const host = {
  name: `linux-${process.arch}`,
  bunTarget: `bun-linux-${process.arch}`,
  runtimePackage: "",
};
const verdict = (ms: number, goal: number) =>
  `${ms.toFixed(1)} ms (goal < ${goal} ms: ${ms < goal ? "met" : "missed"})`;

/** Starts the binary on `home`; the returned function stops it. */
async function serve(binary: string, home: string) {
  const port = freePort();
  const proc = Bun.spawn([binary, ...serveArgs(home, port)], {
    stdout: "ignore",
    stderr: "ignore",
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/ping`);
  return {
    origin,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** GET /ui/ and every asset it names, as a browser would (gzip), on a plugd just started. */
async function firstLoad(origin: string): Promise<number> {
  const headers = { "accept-encoding": "gzip" };
  const started = performance.now();
  const html = await (await fetch(`${origin}/ui/`, { headers })).text();
  const assets = [...html.matchAll(/(?:href|src)="\.\/([^"]+)"/g)].map((m) => m[1]);
  await Promise.all(
    assets.map(async (a) => (await fetch(`${origin}/ui/${a}`, { headers })).arrayBuffer()),
  );
  return performance.now() - started;
}

async function main() {
  const binary = join(repoRoot, ".bench-cache", "ui", "plugd");
  await buildTarget(host, binary, "bench");
  const cold: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const home = join(repoRoot, ".bench-cache", "ui", `home-${round}`);
    const plugd = await serve(binary, home);
    cold.push(await firstLoad(plugd.origin));
    await plugd.stop();
    rmSync(home, { recursive: true, force: true });
  }
  console.log(
    `first load of /ui/ and its assets, fresh plugd each time: median of ${rounds} ${verdict(median(cold), 100)}`,
  );
  if (!hasChromium) return console.log("no chromium: the list figure is skipped");
  const home = await homeWithPlugins(binary, pluginCount);
  const plugd = await serve(binary, home);
  try {
    await listFigures(plugd.origin);
  } finally {
    await plugd.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Loads the page in Chromium (warm, as a second visit) and times the list and its filter. */
async function listFigures(origin: string) {
  await using browser = await startBrowser();
  const rendered: number[] = [];
  const filtered: number[] = [];
  const loaded: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await using watched = await browser.open(origin);
    const { page } = watched;
    await page.goto(`${origin}/ui/`);
    // A locator, not waitForFunction: the page's CSP forbids the eval that one uses.
    await page
      .locator("li.plugin")
      .nth(pluginCount - 1)
      .waitFor({ state: "attached" });
    // The page marks the moment its list is rendered; the locator's polling would add its own.
    const mark = 'performance.getEntriesByName("plugd:list-rendered")[0].startTime';
    rendered.push(Number(await page.evaluate(mark)));
    const navigation = 'performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd';
    loaded.push(Number(await page.evaluate(navigation)));
    filtered.push(Number(await page.evaluate(filterScript)));
  }
  const first = (xs: number[]) => xs[0] ?? Number.NaN;
  console.log(
    `${pluginCount} plugins: list rendered ${verdict(median(rendered), 300)} after navigation starts (first visit ${first(rendered).toFixed(1)} ms)`,
  );
  console.log(`  of which the page itself (DOMContentLoaded): ${median(loaded).toFixed(1)} ms`);
  console.log(`${pluginCount} plugins: filtering to one name ${median(filtered).toFixed(1)} ms`);
  console.log(
    `${pluginCount} plugins: rendered and filtered ${verdict(median(rendered) + median(filtered), 300)}`,
  );
}

/** In the page: type a name in the filter and count the rows still shown; the time it took. */
const filterScript = `(() => {
  const started = performance.now();
  const input = document.getElementById("plugin-filter");
  input.value = "fn0999";
  input.dispatchEvent(new Event("input"));
  const shown = [...document.querySelectorAll("li.plugin")].filter((li) => !li.hidden).length;
  if (shown !== 1) throw new Error("the filter shows " + shown + " rows");
  return performance.now() - started;
})()`;

await main();
