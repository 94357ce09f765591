// http(s) plugin URLs: redirects followed by hand and checked hop by hop, body read as a stream.

import { badRequest, describeError } from "../errors.ts";
import { redactUrl } from "./check-url.ts";
import { type DownloadOptions, sizeLimitError, timeoutError } from "./download-options.ts";
import { type HostPolicy, type ResolveHost, refuseHost } from "./host-policy.ts";
import type { Source } from "./write-to-new-file.ts";

/** One http(s) download: its limits, the URL to show in messages, and what aborts it. */
export interface HttpContext {
  options: Pick<DownloadOptions, "maxBytes" | "connectTimeoutMs" | "maxRedirects">;
  policy: HostPolicy;
  /** The URL as the user gave it, credentials hidden. */
  shown: string;
  /** Aborted by the total timeout or the caller; its reason is what the download throws. */
  signal: AbortSignal;
  /** Sent with every hop (a Range request's header, say). */
  headers?: Record<string, string>;
  /** Replaceable so tests can play servers that a test cannot run (https with a public CA). */
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
  resolve?: ResolveHost;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Rejects with the signal's reason as soon as it aborts, for work that takes no signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function checkHost(url: URL, ctx: HttpContext, hop: number): Promise<void> {
  const refusal = await untilAborted(refuseHost(url.hostname, ctx.policy, ctx.resolve), ctx.signal);
  if (refusal === undefined) return;
  const where = hop === 0 ? "" : `redirect to ${redactUrl(url)} refused: `;
  throw badRequest(`cannot download ${ctx.shown}: ${where}${refusal}`);
}

/** Lets an unread body go so its connection is freed; a stream that already failed has nothing left. */
async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** One request, given `connectTimeoutMs` from sending it until its headers have arrived. */
async function requestHeaders(url: URL, ctx: HttpContext): Promise<Response> {
  const ms = ctx.options.connectTimeoutMs;
  const hop = new AbortController();
  const timer = setTimeout(() => {
    hop.abort(timeoutError(ctx.shown, ms, "plugin.connectTimeout"));
  }, ms);
  const signal = AbortSignal.any([ctx.signal, hop.signal]);
  try {
    return await (ctx.fetch ?? fetch)(url, {
      redirect: "manual",
      signal,
      ...(ctx.headers === undefined ? {} : { headers: ctx.headers }),
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw badRequest(`cannot download ${ctx.shown}: ${describeError(err)}`, err);
  } finally {
    clearTimeout(timer);
  }
}

/** The next hop of a redirect: http(s) only, and never from https down to http. */
function redirectTarget(from: URL, location: string, ctx: HttpContext): URL {
  const prefix = `cannot download ${ctx.shown}: redirect to ${redactUrl(location)} refused`;
  if (!URL.canParse(location, from.href)) throw badRequest(`${prefix}: not a URL`);
  const to = new URL(location, from);
  if (to.protocol !== "http:" && to.protocol !== "https:") {
    throw badRequest(`${prefix}: only http and https may be followed`);
  }
  if (from.protocol === "https:" && to.protocol === "http:") {
    throw badRequest(`${prefix}: https may not be downgraded to http`);
  }
  return to;
}

/**
 * Follows `url` to a 2xx answer, at most `maxRedirects` redirects, checking every hop against
 * `plugin.allowedHosts`. The path of a redirect target need not end in ".zip": release stores
 * redirect to signed object URLs.
 * `isAnswer` says which statuses end the walk (default: 2xx).
 * @throws AppError 400 (refused host or redirect, too many redirects, HTTP error status,
 *   network failure, connect timeout), or `signal.reason`.
 */
export async function followRedirects(
  url: URL,
  ctx: HttpContext,
  isAnswer = (res: Response) => res.ok,
): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await checkHost(current, ctx, hop);
    const res = await requestHeaders(current, ctx);
    if (isAnswer(res)) return res;
    const location = redirectStatuses.has(res.status) ? res.headers.get("location") : null;
    await discard(res);
    if (location === null) {
      // node:http is loaded only here: importing it costs several ms at every start.
      const text = res.statusText || (await import("node:http")).STATUS_CODES[res.status] || "";
      throw badRequest(`cannot download ${ctx.shown}: HTTP ${res.status} ${text}`.trimEnd());
    }
    if (hop >= ctx.options.maxRedirects) {
      throw badRequest(
        `cannot download ${ctx.shown}: too many redirects (more than ${ctx.options.maxRedirects})`,
      );
    }
    current = redirectTarget(current, location, ctx);
  }
}

function bodyChunks(res: Response, ctx: HttpContext): Source {
  const reader = res.body?.getReader();
  const next = async (): Promise<Uint8Array | undefined> => {
    if (reader === undefined) return undefined;
    try {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw badRequest(`cannot download ${ctx.shown}: ${describeError(err)}`, err);
    }
  };
  // Cancelling an errored or finished stream rejects; by then there is nothing left to free.
  const close = async () => reader?.cancel().catch(() => undefined);
  // fetch gives every chunk a buffer of its own.
  return { next, close, ownsChunks: true };
}

/**
 * Opens an http(s) plugin URL: follows redirects, refuses a declared Content-Length over
 * `maxBytes` before reading any of the body, and returns the body as chunks.
 * @throws as `followRedirects`, and AppError 413 for a declared size over the limit.
 */
export async function openHttp(url: URL, ctx: HttpContext): Promise<Source> {
  const res = await followRedirects(url, ctx);
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > ctx.options.maxBytes) {
    await discard(res);
    throw sizeLimitError(ctx.shown, ctx.options.maxBytes);
  }
  return bodyChunks(res, ctx);
}
