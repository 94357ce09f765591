// What the console's browser tests share: a plugd, a zip server, one browser, plugin zips.

import { expect } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { screenshotDir, type WatchedPage } from "../support/browser.ts";
import type { FixtureBehaviour } from "../support/portable-plugins/fixture-behaviour.ts";
import { uniquePluginName } from "../support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "../support/portable-zips.ts";

/** A portable plugin zip whose symbols carry the plugin's name, so plugins never clash. */
export function namedPortableZip(name: string, behaviour: FixtureBehaviour = {}): Uint8Array {
  const symbols = {
    sources: [`${name}_src`],
    sinks: [`${name}_sink`],
    functions: [`${name}_echo`],
  };
  return portablePluginZip(
    { name, behaviour: { ...behaviour, ...symbols }, manifest: symbols },
    {
      // The default symbol metadata files would belong to the first plugin installed.
      "sources/random.yaml": null,
      "sources/random.json": null,
      "sinks/file.json": null,
      "functions/echo.json": null,
      [`sources/${name}_src.yaml`]: "default:\n  interval: 100\n",
    },
  );
}

export const newName = (prefix: string) => uniquePluginName(prefix);

/** Saves a screenshot of the whole page as test-output/ui/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * Asserts the page asked nothing of any other origin and logged no error; `allowed` lists
 * the statuses this test makes plugd answer on purpose, whose failed loads Chromium logs.
 */
export function expectClean(watched: WatchedPage, allowed: number[] = []): void {
  const expected = allowed.map(
    (status) => `Failed to load resource: the server responded with a status of ${status}`,
  );
  expect(watched.foreign).toEqual([]);
  expect(watched.errors.filter((e) => !expected.some((text) => e.startsWith(text)))).toEqual([]);
}

/** Opens a view by its tab, as a person would. */
export async function openView(page: Page, name: string): Promise<void> {
  await page.getByRole("navigation", { name: "views" }).getByRole("button", { name }).click();
}

/** Opens the Install view and fills its URL form as a person would; the caller presses Install. */
export async function fillInstallForm(
  page: Page,
  form: { kind: string; name: string; url: string },
): Promise<void> {
  await openView(page, "Install");
  await page.getByLabel("Kind", { exact: true }).selectOption(form.kind);
  await page.getByLabel("Name", { exact: true }).fill(form.name);
  await page.getByLabel("Zip URL").fill(form.url);
}

/** The row of a plugin in the list. */
export function pluginRow(page: Page, name: string) {
  return page.locator(`li.plugin[data-name="${name}"]`);
}

/** Bytes that do not compress, so the zip is as big as its content (zeros would trip maxRatio). */
export function noise(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return bytes;
}
