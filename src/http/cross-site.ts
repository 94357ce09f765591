// Cross-site request refusal: a page of another site open in a browser must not change plugd.
import { type AppError, forbidden } from "../errors.ts";

/** Methods that change nothing; every other one (and every WebSocket upgrade) is checked. */
const safeMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** The Sec-Fetch-Site values a browser gives a request that another site's page started. */
const foreignSites: ReadonlySet<string> = new Set(["cross-site", "same-site"]);

/**
 * Why a browser's request is another site's doing, or undefined when it is not: a change
 * request or WebSocket upgrade whose `Sec-Fetch-Site` is `cross-site` or `same-site`, or whose
 * `Origin` is not the origin the client addressed (the request's scheme and its Host header);
 * `Origin: null` (a sandboxed frame, a local file, a redirect) is never plugd's own. Requests
 * with neither header (curl, eKuiper clients, scripts) are not a browser's and pass.
 */
export function crossSiteReason(request: Request): string | undefined {
  if (safeMethods.has(request.method) && !isUpgrade(request)) return undefined;
  const site = (request.headers.get("sec-fetch-site") ?? "").trim().toLowerCase();
  if (foreignSites.has(site)) return `the browser marks it ${site} (Sec-Fetch-Site: ${site})`;
  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  const own = ownOrigin(request);
  const from = originOf(origin);
  if (own !== undefined && from === own) return undefined;
  const shown = own ?? "unknown: its Host header is not a host";
  return from === undefined
    ? `it comes from a page whose origin is ${JSON.stringify(origin)}, not plugd's own (${shown})`
    : `it comes from a page of ${from}, not of plugd's own origin (${shown})`;
}

/** A WebSocket upgrade; the header is read only when there is one (most requests have none). */
function isUpgrade(request: Request): boolean {
  const upgrade = request.headers.get("upgrade");
  return upgrade !== null && /\bwebsocket\b/i.test(upgrade);
}

/**
 * Throws the 403 of a cross-site request (see crossSiteReason); returns for any other.
 * @throws AppError 403 naming the method, the path and why the request is another site's.
 */
export function refuseCrossSite(request: Request): void {
  const reason = crossSiteReason(request);
  if (reason !== undefined) throw refusal(request, reason);
}

function refusal(request: Request, reason: string): AppError {
  const upgrade = request.method === "GET" ? "WebSocket " : "";
  return forbidden(
    `cross-site request refused: ${upgrade}${request.method} ${new URL(request.url).pathname}: ` +
      `${reason}. A page of another site must not change plugd or open its WebSockets; ` +
      "clients that are not browsers (curl, eKuiper's, scripts) send no Origin and are served",
  );
}

/** scheme://host[:port] as the client addressed plugd: the request's scheme, its Host header. */
function ownOrigin(request: Request): string | undefined {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  return originOf(`${url.protocol}//${host}`);
}

/** The serialised origin of a URL (default port left out, host lowercased), or undefined. */
function originOf(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return url.origin;
}
