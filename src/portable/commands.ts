// The messages plugd sends to portable plugins, encoded exactly as eKuiper encodes them (pure).

import { badRequest } from "../errors.ts";
import { goJson, goString } from "./go-json.ts";

/** Which rule operator instance a symbol runs for; all empty for functions. */
export interface SymbolMeta {
  readonly ruleId: string;
  readonly opId: string;
  readonly instanceId: number;
}

export type PluginType = "source" | "sink" | "func";

/** What a `start` or `stop` command names: eKuiper's Control. */
export interface SymbolControl {
  readonly symbolName: string;
  readonly pluginType: PluginType;
  /** Defaults to the empty meta eKuiper sends for functions. */
  readonly meta?: SymbolMeta;
  /** Sources only; left out of the message when empty. */
  readonly dataSource?: string;
  /** Source or sink properties; left out of the message when empty. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The context eKuiper appends to every Exec call, as a JSON string. */
export interface FuncMeta extends SymbolMeta {
  readonly funcId: number;
}

export type FunctionCall = "Validate" | "Exec" | "IsAggregate";

export const EMPTY_META: SymbolMeta = Object.freeze({ ruleId: "", opId: "", instanceId: 0 });

/** The largest frame a Go plugin accepts (mangos' default OptionMaxRecvSize). */
export const MAX_PLUGIN_FRAME = 1_048_576;
/** REQ/REP frames carry a 4-byte request id in front of the body. */
export const REQUEST_ID_BYTES = 4;

function goInt(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw badRequest(`${what} must be an integer, got ${value}`);
  return String(value);
}

function encodeMeta(meta: SymbolMeta): string {
  return (
    `{"ruleId":${goString(meta.ruleId)},"opId":${goString(meta.opId)},` +
    `"instanceId":${goInt(meta.instanceId, "instanceId")}}`
  );
}

/**
 * The Control JSON: keys in Go struct order (symbolName, meta, pluginType, dataSource, config),
 * dataSource and config left out when empty (omitempty), config keys sorted as Go sorts a map.
 * Throws 400 for a non-integer instanceId or a config value JSON cannot hold.
 */
export function encodeControl(control: SymbolControl): string {
  const meta = control.meta ?? EMPTY_META;
  let json =
    `{"symbolName":${goString(control.symbolName)},"meta":${encodeMeta(meta)},` +
    `"pluginType":${goString(control.pluginType)}`;
  if (control.dataSource) json += `,"dataSource":${goString(control.dataSource)}`;
  const config = control.config ?? {};
  if (Object.values(config).some((v) => v !== undefined)) {
    json += `,"config":${encodeValue(config, `config of ${control.symbolName}`)}`;
  }
  return `${json}}`;
}

/** `{"cmd":"start","arg":"<Control JSON as a string>"}`, as bytes. */
export function encodeCommand(cmd: "start" | "stop", control: SymbolControl): Uint8Array {
  const text = `{"cmd":${goString(cmd)},"arg":${goString(encodeControl(control))}}`;
  return new TextEncoder().encode(text);
}

/** FuncMeta as the JSON string Exec carries last: ruleId, opId, instanceId, funcId. */
export function encodeFuncMeta(meta: FuncMeta): string {
  const head = encodeMeta(meta).slice(0, -1);
  return `${head},"funcId":${goInt(meta.funcId, "funcId")}}`;
}

/**
 * FuncData `{"func":..,"arg":..}`. For Exec, `arg` is the list of argument values and the
 * FuncMeta string is appended to it, as eKuiper does; Validate takes the argument AST nodes
 * without meta, IsAggregate takes null. Throws 400 when Exec's `arg` is not an array or a
 * value cannot be encoded.
 */
export function encodeFuncData(func: FunctionCall, arg: unknown, meta: FuncMeta): Uint8Array {
  let value = arg;
  if (func === "Exec") {
    if (!Array.isArray(arg)) throw badRequest("the arguments of Exec must be a JSON array");
    value = [...arg, encodeFuncMeta(meta)];
  }
  if (func === "IsAggregate") value = null;
  const text = `{"func":${goString(func)},"arg":${encodeValue(value, `arguments of ${func}`)}}`;
  return new TextEncoder().encode(text);
}

function encodeValue(value: unknown, what: string): string {
  try {
    return goJson(value);
  } catch (err) {
    throw badRequest(`${what} cannot be sent as JSON: ${String(err)}`, err);
  }
}

/** What a function answered: `{"state": bool, "result": <any JSON value>}`. */
export interface FuncReply {
  readonly state: boolean;
  readonly result: unknown;
}

/**
 * Reads a FuncReply as Go's json.Unmarshal into the struct would: `null` is the zero reply;
 * anything that is not an object with an optional boolean `state` fails with eKuiper's
 * "Failed to unmarshal function result" (400).
 */
export function parseFuncReply(bytes: Uint8Array): FuncReply {
  const text = new TextDecoder().decode(bytes);
  const fail = () => badRequest(`Failed to unmarshal function result ${text}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail();
  }
  if (parsed === null) return { state: false, result: null };
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw fail();
  const state: unknown = "state" in parsed ? parsed.state : false;
  if (typeof state !== "boolean" && state !== null) throw fail();
  return { state: state === true, result: "result" in parsed ? parsed.result : null };
}
