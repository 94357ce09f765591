// A Bun macro: the console's assets, bundled when the module using it is transpiled or compiled.
import { join } from "node:path";
import type { BundledAsset } from "./bundle.ts";

/**
 * Bundles the page in a child Bun (a macro may not call Bun.build itself: the bundler would wait
 * for itself), so `bun build --compile` puts the assets in the binary as a literal, and a run
 * from source bundles them when the console is first asked for. Throws with the child's stderr.
 */
export function embeddedAssets(): BundledAsset[] {
  const child = Bun.spawnSync([process.execPath, join(import.meta.dir, "bundle.ts")], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (child.exitCode !== 0) {
    throw new Error(`bundling the console failed (${child.exitCode}): ${child.stderr.toString()}`);
  }
  return JSON.parse(child.stdout.toString()) as BundledAsset[];
}
