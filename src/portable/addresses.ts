// The IPC addresses of the portable protocol and the limits checked before using them (pure).

import { badRequest } from "../errors.ts";
import { MAX_IPC_PATH_BYTES } from "../nng/ipc.ts";
import { MAX_PLUGIN_FRAME, type SymbolMeta } from "./commands.ts";

/** eKuiper's SDKs hard-code /tmp; another directory only works with plugins built for it. */
export const DEFAULT_SOCKET_DIR = "/tmp";

function checkedUrl(path: string, what: string, fix: string): string {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_IPC_PATH_BYTES) {
    throw badRequest(
      `the socket path of ${what} is ${bytes} bytes (${path}); unix sockets allow ${MAX_IPC_PATH_BYTES}: ${fix}`,
    );
  }
  return `ipc://${path}`;
}

/** `ipc://{dir}/plugin_{name}.ipc`; throws 400 when the path exceeds 107 bytes. */
export function controlUrl(socketDir: string, pluginName: string): string {
  const path = `${socketDir}/plugin_${pluginName}.ipc`;
  return checkedUrl(path, `portable plugin ${pluginName}`, "use a shorter plugin name");
}

/** `ipc://{dir}/func_{symbol}.ipc`; throws 400 when the path exceeds 107 bytes. */
export function functionUrl(socketDir: string, symbol: string): string {
  const path = `${socketDir}/func_${symbol}.ipc`;
  return checkedUrl(path, `function ${symbol}`, "use a shorter function name");
}

function checkIdPart(value: string, what: string): void {
  if (value === "" || value.includes("/") || value.includes("\0")) {
    throw badRequest(
      `${what} ${JSON.stringify(value)} cannot name a socket file: it must be non-empty without "/"`,
    );
  }
}

/**
 * `ipc://{dir}/{ruleId}_{opId}_{instanceId}.ipc` (with `_ack` for a sink's acknowledgements).
 * Throws 400 for an empty rule or op id, one holding "/", or a path over 107 bytes.
 */
export function dataUrl(socketDir: string, meta: SymbolMeta, suffix: "" | "_ack" = ""): string {
  checkIdPart(meta.ruleId, "rule id");
  checkIdPart(meta.opId, "op id");
  const path = `${socketDir}/${meta.ruleId}_${meta.opId}_${meta.instanceId}${suffix}.ipc`;
  const what = `rule ${meta.ruleId} operator ${meta.opId}`;
  return checkedUrl(path, what, "shorten the rule id or the op id");
}

/**
 * Throws 400 unless a message of `bodyBytes` fits a Go plugin's 1 MiB receive limit; the
 * frame counts `overhead` bytes more (the 4-byte request id on REQ/REP, 0 on PUSH).
 */
export function checkFrameSize(bodyBytes: number, overhead: number, what: string): void {
  const frame = bodyBytes + overhead;
  if (frame <= MAX_PLUGIN_FRAME) return;
  throw badRequest(
    `${what} is ${frame} bytes on the wire; Go plugins drop the connection past ${MAX_PLUGIN_FRAME} bytes (1 MiB), so it was not sent`,
  );
}
