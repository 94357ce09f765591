// Bundles the console page (src/ui/page/index.html and what it imports) into its served assets.
import { join } from "node:path";

/** One file of the page as served: its path under /ui/, type, bytes and gzipped bytes (base64). */
export interface BundledAsset {
  readonly path: string;
  readonly type: string;
  readonly body: string;
  readonly gzip: string;
}

const entry = join(import.meta.dir, "page", "index.html");

/**
 * Runs Bun's HTML bundler on the page (minified, hashed chunk names) and gzips each output.
 * Throws an Error carrying the bundler's messages when the page does not build.
 */
export async function bundleUi(): Promise<BundledAsset[]> {
  const built = await Bun.build({ entrypoints: [entry], minify: true, target: "browser" });
  if (!built.success) {
    throw new Error(`the console page does not build:\n${built.logs.map(String).join("\n")}`);
  }
  const assets: BundledAsset[] = [];
  for (const output of built.outputs) {
    const bytes = new Uint8Array(await output.arrayBuffer());
    assets.push({
      path: output.path.replace(/^\.\//, ""),
      type: output.type,
      body: Buffer.from(bytes).toString("base64"),
      gzip: Buffer.from(Bun.gzipSync(bytes, { level: 9 })).toString("base64"),
    });
  }
  return assets;
}

/** Total gzipped bytes of the page, the figure the build checks against its budget. */
export function gzippedBytes(assets: readonly BundledAsset[]): number {
  return assets.reduce((sum, asset) => sum + Buffer.from(asset.gzip, "base64").byteLength, 0);
}

// Run as a program (by the macro in bundle-macro.ts), it prints the assets as JSON.
if (import.meta.main) process.stdout.write(JSON.stringify(await bundleUi()));
