// Go encoding/json output in TypeScript, byte for byte, so plugins see what eKuiper would send (pure).

/** Characters Go escapes although JSON allows them raw: HTML-sensitive ones and JS line breaks. */
const GO_EXTRA_ESCAPES: Readonly<Record<string, string>> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * A JSON string literal as Go writes it. JSON.stringify already escapes `"`, `\`, control
 * characters (with Go's short forms \b \f \n \r \t since Go 1.22) and lone surrogates; Go has
 * no lone surrogates (it writes invalid UTF-8 as \ufffd), so those become \ufffd here.
 */
export function goString(text: string): string {
  const quoted = JSON.stringify(text).replace(
    /\\(?:(ud[89a-f][0-9a-f]{2})|.)/g,
    (sequence, lone) => (typeof lone === "string" ? "\\ufffd" : sequence),
  );
  return quoted.replace(/[<>&\u2028\u2029]/g, (c) => GO_EXTRA_ESCAPES[c] ?? c);
}

/** A number as Go formats a float64; NaN and infinities are refused as Go refuses them. */
function goNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
  // Go keeps the sign of negative zero; JSON.stringify drops it.
  if (Object.is(value, -0)) return "-0";
  return JSON.stringify(value);
}

/** Byte order of UTF-8, which is how Go's encoder sorts map keys. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function goObject(value: object): string {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && !isUnencodable(v));
  entries.sort(([a], [b]) => compareUtf8(a, b));
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(",")}}`;
}

function isUnencodable(value: unknown): boolean {
  return typeof value === "function" || typeof value === "symbol";
}

/**
 * `value` encoded as Go's json.Marshal encodes the same data decoded into `interface{}`:
 * compact, object keys sorted by their UTF-8 bytes at every depth (Go maps), `<` `>` `&`
 * U+2028 U+2029 escaped, byte arrays as base64 strings. Integer-like keys are sorted as text
 * too, which plain JS objects cannot keep, hence a hand-written encoder.
 * Throws TypeError for NaN, infinities, functions and symbols at the top level.
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return goString(value);
    case "number":
      return goNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object":
      if (Array.isArray(value)) {
        return `[${value.map((item) => (isUnencodable(item) ? "null" : goJson(item))).join(",")}]`;
      }
      if (value instanceof Uint8Array) return goString(Buffer.from(value).toString("base64"));
      return goObject(value);
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}
