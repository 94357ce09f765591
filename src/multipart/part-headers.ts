// The header block of one multipart/form-data part, and the boundary of a Content-Type.
import { badRequest } from "../errors.ts";

/** What a form-data part says of itself. */
export interface PartHeaders {
  /** The form field's name (Content-Disposition `name`). */
  readonly name: string;
  /** The file's name, for a file field (Content-Disposition `filename`). */
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** RFC 2046's boundary: 1 to 70 of these characters, not ending in a space. */
const boundaryRule = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** One `; key=value` parameter, the value a token or a quoted string. */
const parameter = /^\s*;\s*([^\s=;"]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]*))\s*/s;

/** The 400 for a body that is not well-formed multipart: "invalid multipart body: <what>". */
export function invalidMultipart(what: string): Error {
  return badRequest(`invalid multipart body: ${what}`);
}

/**
 * Reads a part's header block (without its blank line). Every part of a form must carry
 * `Content-Disposition: form-data; name="…"`; other headers than it and Content-Type are ignored.
 * @throws AppError 400 for a block that is not UTF-8 header lines or lacks that header.
 */
export function parsePartHeaders(block: Uint8Array): PartHeaders {
  let text: string;
  try {
    text = utf8.decode(block);
  } catch {
    throw invalidMultipart("a part's headers are not UTF-8 text");
  }
  const fields = new Map<string, string>();
  for (const line of text === "" ? [] : text.split("\r\n")) {
    const colon = line.indexOf(":");
    // Folded lines (obsolete) and lines without a name are refused rather than guessed at.
    if (colon <= 0 || /^\s/.test(line))
      throw invalidMultipart(`a part has a malformed header line`);
    const key = line.slice(0, colon).trim().toLowerCase();
    if (fields.has(key)) throw invalidMultipart(`a part has two ${key} headers`);
    fields.set(key, line.slice(colon + 1).trim());
  }
  const disposition = fields.get("content-disposition");
  if (disposition === undefined) throw invalidMultipart("a part has no Content-Disposition header");
  const { name, filename } = parseDisposition(disposition);
  return { name, filename, contentType: fields.get("content-type") };
}

function parseDisposition(value: string): { name: string; filename: string | undefined } {
  const type = /^form-data\s*/i.exec(value);
  if (!type) throw invalidMultipart("a part's Content-Disposition is not form-data");
  const params = new Map<string, string>();
  let rest = value.slice(type[0].length);
  while (rest !== "") {
    const match = parameter.exec(rest);
    if (!match?.[1])
      throw invalidMultipart("a part's Content-Disposition parameters are malformed");
    const key = match[1].toLowerCase();
    if (params.has(key)) throw invalidMultipart(`a part's Content-Disposition names ${key} twice`);
    params.set(key, match[2]?.replace(/\\(.)/gs, "$1") ?? match[3] ?? "");
    rest = rest.slice(match[0].length);
  }
  const name = params.get("name");
  if (name === undefined) throw invalidMultipart("a part's Content-Disposition has no name");
  return { name, filename: params.get("filename") };
}

/**
 * The boundary of a `multipart/form-data` Content-Type.
 * @throws AppError 400 when there is none or it breaks RFC 2046's rule.
 */
export function boundaryOf(contentType: string): string {
  const params = contentType.slice(
    contentType.indexOf(";") < 0 ? contentType.length : contentType.indexOf(";"),
  );
  let rest = params;
  let boundary: string | undefined;
  while (rest.trim() !== "") {
    const match = parameter.exec(rest);
    if (!match?.[1]) throw invalidMultipart("its Content-Type parameters are malformed");
    if (match[1].toLowerCase() === "boundary") boundary = match[2] ?? match[3];
    rest = rest.slice(match[0].length);
  }
  if (boundary === undefined) throw invalidMultipart("its Content-Type has no boundary");
  if (!boundaryRule.test(boundary)) {
    throw invalidMultipart(
      `its boundary ${JSON.stringify(boundary)} is not 1 to 70 allowed characters`,
    );
  }
  return boundary;
}
