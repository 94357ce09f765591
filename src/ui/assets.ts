// The console's assets, decoded once: imported lazily by ui-routes.ts at the first /ui/ request.
import { embeddedAssets } from "./bundle-macro.ts" with { type: "macro" };

/** A served file of the page. */
export interface UiAsset {
  readonly type: string;
  readonly body: Uint8Array;
  readonly gzip: Uint8Array;
  /** Chunk names carry a content hash, so they may be cached for good; index.html may not. */
  readonly immutable: boolean;
  /** A validator of the body, so a revalidated index.html costs a 304. */
  readonly etag: string;
}

/** The assets by path under /ui/ (`index.html`, `chunk-….js`, `chunk-….css`). */
export function loadUiAssets(): ReadonlyMap<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const asset of embeddedAssets()) {
    const body = new Uint8Array(Buffer.from(asset.body, "base64"));
    assets.set(asset.path, {
      type: asset.type,
      body,
      // Weak: the gzipped and the plain answer share it, as the same content in two codings.
      etag: `W/"${Bun.hash(body).toString(36)}"`,
      gzip: new Uint8Array(Buffer.from(asset.gzip, "base64")),
      immutable: asset.path !== "index.html",
    });
  }
  return assets;
}
