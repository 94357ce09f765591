// Request body caps per route: small for JSON routes, the download cap for uploads; 413 past them.
import { formatSize } from "../config/units.ts";
import { badRequest, describeError, tooLarge } from "../errors.ts";
import { MultipartBody } from "../multipart/multipart-body.ts";
import { boundaryOf } from "../multipart/part-headers.ts";

/** Bytes allowed in one request body. */
export interface BodyLimits {
  /** `basic.maxRequestBodySize`: every route but uploads. */
  readonly json: number;
  /** `plugin.maxDownloadSize`: POST /config/uploads (multipart framing comes on top). */
  readonly upload: number;
}

/** Room for the multipart boundaries and part headers around an uploaded file. */
const multipartFraming = 64 * 1024;

interface RouteLimit {
  readonly bytes: number;
  readonly shown: string;
  readonly upload: boolean;
}

function limitOf(request: Request, limits: BodyLimits): RouteLimit {
  const upload = request.method === "POST" && new URL(request.url).pathname === "/config/uploads";
  if (upload) {
    const shown = `${formatSize(limits.upload)} limit (plugin.maxDownloadSize)`;
    return { bytes: limits.upload + multipartFraming, shown, upload };
  }
  return {
    bytes: limits.json,
    shown: `${formatSize(limits.json)} limit (basic.maxRequestBodySize)`,
    upload,
  };
}

/** Refuses a body whose Content-Length is over its route's cap before any of it is read. */
function checkContentLength(length: string | null, limit: RouteLimit): void {
  const size = Number(length);
  if (length !== null && size > limit.bytes) {
    throw tooLarge(`request body: ${formatSize(size)} is over the ${limit.shown}`);
  }
}

/**
 * The body for Elysia's parse step, or undefined to let Elysia parse it. A declared size over
 * the route's cap is refused before anything is read. Routes other than uploads take JSON
 * whatever the Content-Type says, as eKuiper's do; a body sent without a Content-Length
 * (chunked) is read here so that its cap holds as it arrives. Every upload body is parsed
 * here: a multipart one is not read at all but becomes `{uploadFile: MultipartBody}`, its
 * stream capped as it is read, for the upload to write to disk as it arrives (so Elysia never
 * buffers a form); JSON and urlencoded ones are read whole.
 * @throws AppError 413 past the cap, 400 for a body that is not JSON or a multipart body
 *   without a usable boundary.
 */
export async function parseBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const length = request.headers.get("content-length");
  const chunked =
    length === null && /chunked/i.test(request.headers.get("transfer-encoding") ?? "");
  // No body at all (a DELETE, say): nothing to parse, and Elysia does nothing with it either.
  if ((length === null && !chunked) || length === "0") return undefined;
  const limit = limitOf(request, limits);
  checkContentLength(length, limit);
  const type = request.headers.get("content-type") ?? "";
  if (limit.upload && /^multipart\/form-data/i.test(type)) {
    return { uploadFile: new MultipartBody(cappedStream(request, limit), boundaryOf(type)) };
  }
  const bytes = await readCapped(request, limit);
  if (/^application\/x-ndjson/i.test(type)) return parseNdjson(bytes);
  if (limit.upload && /^application\/x-www-form-urlencoded/i.test(type)) {
    const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
    return Object.fromEntries(form);
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw badRequest(`invalid body: it is not valid JSON (${describeError(err)})`);
  }
}

/** NDJSON: one JSON value per non-empty line, as an array. Throws 400 naming the bad line. */
function parseNdjson(bytes: Uint8Array): unknown[] {
  const lines = new TextDecoder().decode(bytes).split("\n");
  const values: unknown[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      values.push(JSON.parse(line));
    } catch (err) {
      throw badRequest(
        `invalid body: NDJSON line ${index + 1} is not valid JSON (${describeError(err)})`,
      );
    }
  });
  return values;
}

/** The request's body as it arrives, erroring with 413 once it passes the cap. */
function cappedStream(request: Request, limit: RouteLimit): ReadableStream<Uint8Array> {
  let size = 0;
  const cap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit.bytes) throw tooLarge(`request body: more than the ${limit.shown}`);
      controller.enqueue(chunk);
    },
  });
  return (request.body ?? new Blob([]).stream()).pipeThrough(cap);
}

async function readCapped(request: Request, limit: RouteLimit): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.byteLength;
    if (size > limit.bytes) {
      await reader?.cancel();
      throw tooLarge(`request body: more than the ${limit.shown}`);
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks);
}
