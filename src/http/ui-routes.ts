// Routes of the console: /ui/ and its assets, bundled into the binary, loaded at the first request.
import { Elysia, t } from "elysia";
import { notFound } from "../errors.ts";
import type { UiAsset } from "../ui/assets.ts";
import { answers } from "./schemas.ts";

type Assets = ReadonlyMap<string, UiAsset>;

/**
 * GET /ui (a redirect), /ui/ (index.html) and /ui/<asset>. The access control in front of every
 * route applies here too; with tokens on, the gate lets these paths through (a browser cannot
 * put a token on a page load) and the page sends the token with each API request it makes.
 */
export function uiRoutes() {
  let assets: Promise<Assets> | undefined;
  // The page's module is imported only now, so that a plugd nobody browses starts as fast as before.
  const load = () => {
    assets ??= import("../ui/assets.ts").then((module) => module.loadUiAssets());
    return assets;
  };
  const detail = { tags: ["console"], hide: true };
  const response = answers({ 200: t.Unknown({ description: "the page or one of its files" }) });
  return (
    new Elysia({ name: "ui" })
      // Elysia routes /ui/ here too (paths are not strict): only /ui itself is sent on to /ui/.
      .get(
        "/ui",
        async ({ request }) =>
          new URL(request.url).pathname === "/ui"
            ? new Response(null, { status: 308, headers: { location: "/ui/" } })
            : serveAsset(await load(), "index.html", request),
        { detail, response },
      )
      .get(
        "/ui/*",
        async ({ params, request }) =>
          serveAsset(await load(), params["*"] || "index.html", request),
        { detail, response },
      )
  );
}

/** The asset, gzipped when the client takes it, with type, cache headers and ETag (304); else 404. */
function serveAsset(assets: Assets, path: string, request: Request): Response {
  const asset = assets.get(path);
  if (!asset) throw notFound(`the console has no file ${path}`);
  const gzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const headers: Record<string, string> = {
    "content-type": asset.type,
    "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    vary: "accept-encoding",
    "x-content-type-options": "nosniff",
  };
  if (path === "index.html") {
    // Nothing but plugd itself: no script, style, font or connection elsewhere.
    headers["content-security-policy"] =
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
  }
  headers.etag = asset.etag;
  if (request.headers.get("if-none-match") === asset.etag) {
    return new Response(null, { status: 304, headers });
  }
  if (gzip) headers["content-encoding"] = "gzip";
  return new Response(gzip ? asset.gzip : asset.body, { headers });
}
