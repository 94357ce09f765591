// The console's assets, decoded once: imported lazily by ui-routes.ts at the first /ui/ request.
import { embeddedAssets } from "./bundle-macro.ts" with { type: "macro" };

/** A served file of the page. */
export interface UiAsset {
  readonly type: string;
  readonly body: Uint8Array;
  readonly gzip: Uint8Array;
  /** Chunk names carry a content hash, so they may be cached for good; index.html may not. */
  readonly immutable: boolean;
}

/** The assets by path under /ui/ (`index.html`, `chunk-….js`, `chunk-….css`). */
export function loadUiAssets(): ReadonlyMap<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const asset of embeddedAssets()) {
    assets.set(asset.path, {
      type: asset.type,
      body: new Uint8Array(Buffer.from(asset.body, "base64")),
      gzip: new Uint8Array(Buffer.from(asset.gzip, "base64")),
      immutable: asset.path !== "index.html",
    });
  }
  return assets;
}
