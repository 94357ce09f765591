// The plugin URL rule (http, https or file, path ending ".zip") and credential-free display.

import { badRequest } from "../errors.ts";

const schemes = new Set(["http:", "https:", "file:"]);

/**
 * Parses a plugin `file` URL as eKuiper accepts it: http, https or file scheme, a host for
 * http(s) and none for file, and a path ending in ".zip" (case-sensitive, as in eKuiper; a
 * query string may follow). Credentials in the URL are allowed but never shown. `suffix`
 * changes the ending required ("" for none: an export file may have any name).
 * @throws AppError 400 `invalid uri <url>`.
 */
export function checkPluginUrl(url: string, suffix = ".zip"): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !schemes.has(parsed.protocol) || !parsed.pathname.endsWith(suffix)) {
    throw badRequest(`invalid uri ${redactUrl(url)}`);
  }
  const needsHost = parsed.protocol !== "file:";
  if (needsHost !== (parsed.hostname !== "")) throw badRequest(`invalid uri ${redactUrl(url)}`);
  return parsed;
}

/**
 * The URL as it may appear in messages and logs: user and password become `***`. Works on
 * text, not on a parsed URL, so that even an unparseable URL is shown without its secrets.
 */
export function redactUrl(url: string | URL): string {
  return String(url).replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#]*@/, "$1***@");
}
