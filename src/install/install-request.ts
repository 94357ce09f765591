// The create/update body of a plugin, checked: name, URL, install.sh arguments, functions, sha256.
import { checkSha256 } from "../download/check-sha256.ts";
import { checkPluginUrl, redactUrl } from "../download/check-url.ts";
import { badRequest } from "../errors.ts";
import type { PluginKind } from "../store/plugins-repo.ts";
import { checkFunctionList, checkName, checkNotReserved } from "./names.ts";

export interface InstallBody {
  name: string;
  file: string;
  shellParas?: string[] | undefined;
  functions?: string[] | undefined;
  sha256?: string | undefined;
}

export interface InstallRequest {
  name: string;
  file: string;
  shellParas: string[];
  /** The explicit function list; undefined means "one function named like the plugin". */
  functions: string[] | undefined;
  sha256: string | undefined;
}

/** Checks a body whose JSON shape the HTTP layer has already validated. Throws 400. */
export function checkInstallBody(type: PluginKind, body: InstallBody): InstallRequest {
  const name = checkNotReserved(
    checkName(body.name.trim() === body.name ? body.name : "", "plugin"),
  );
  checkPluginUrl(body.file);
  if (body.functions !== undefined && type !== "functions") {
    throw badRequest(`functions can only be given for function plugins, not for ${type}`);
  }
  if (body.functions !== undefined && body.functions.length === 0) {
    throw badRequest(
      "functions must not be empty; leave it out to export one function named like the plugin",
    );
  }
  const sha256 = checkSha256(body.sha256);
  return {
    name,
    file: body.file,
    shellParas: body.shellParas ?? [],
    functions: body.functions === undefined ? undefined : checkFunctionList(body.functions),
    sha256,
  };
}

/** checkInstallBody for an update, whose body must name the plugin of the path. Throws 400. */
export function checkUpdateBody(
  type: PluginKind,
  pathName: string,
  body: InstallBody,
): InstallRequest {
  if (body.name !== pathName) {
    throw badRequest(`the body names plugin ${body.name} but the path names ${pathName}`);
  }
  return checkInstallBody(type, body);
}

/** The body as it is kept in the store (the URL's password, if any, is not). */
export function storedRequest(request: InstallRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { name: request.name, file: redactUrl(request.file) };
  if (request.shellParas.length > 0) out.shellParas = request.shellParas;
  if (request.functions) out.functions = request.functions;
  if (request.sha256) out.sha256 = request.sha256;
  return out;
}
