// The multipart scanner: parts and their bytes whatever the chunking, hostile bodies refused.
import { describe, expect, test } from "bun:test";
import { AppError } from "../errors.ts";
import { MultipartScanner, type ScanLimits } from "./multipart-scanner.ts";
import type { PartHeaders } from "./part-headers.ts";
import { readMultipart } from "./read-multipart.ts";

const boundary = "XyZ-boundary";

interface Part {
  headers: PartHeaders;
  text: string;
}

/** Scans `body` pushed in the chunks `splits` cut it into; returns the parts whole. */
function scan(body: string | Uint8Array, splits: number[] = [], limits?: ScanLimits): Part[] {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const scanner = new MultipartScanner(boundary, limits);
  const parts: Part[] = [];
  const data: Uint8Array[] = [];
  let from = 0;
  for (const to of [...splits, bytes.length]) {
    for (const event of scanner.push(bytes.subarray(from, to))) {
      if (event.kind === "part") parts.push({ headers: event.headers, text: "" });
      // Data is only valid until the next push: copy it, as a consumer writes it out.
      if (event.kind === "data") data.push(event.bytes.slice());
      const last = parts.at(-1);
      if (event.kind === "end" && last) {
        last.text = Buffer.concat(data.splice(0)).toString("latin1");
      }
    }
    from = to;
  }
  scanner.finish();
  return parts;
}

function errorOf(work: () => unknown): { status: number; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, message: err.message };
  }
}

const form = [
  "preamble to ignore\r\n",
  `--${boundary}\r\n`,
  'Content-Disposition: form-data; name="note"\r\n\r\n',
  "hello\r\n",
  `--${boundary}\r\n`,
  'Content-Disposition: form-data; name="uploadFile"; filename="up.zip"\r\n',
  "Content-Type: application/zip\r\n\r\n",
  // Near misses of the delimiter inside the content must stay content.
  `PK\r\n--${boundary.slice(0, 5)}\r\n-\r\n\r\n--X\r\n`,
  `\r\n--${boundary}--\r\n`,
  "epilogue to ignore",
].join("");

const expected: Part[] = [
  { headers: { name: "note", filename: undefined, contentType: undefined }, text: "hello" },
  {
    headers: { name: "uploadFile", filename: "up.zip", contentType: "application/zip" },
    text: `PK\r\n--${boundary.slice(0, 5)}\r\n-\r\n\r\n--X\r\n`,
  },
];

describe("MultipartScanner", () => {
  test("reads every part of a form pushed whole", () => {
    expect(scan(form)).toEqual(expected);
  });

  test("reads the same parts wherever one chunk border falls", () => {
    for (let at = 0; at <= form.length; at++) expect(scan(form, [at])).toEqual(expected);
  });

  test("reads the same parts wherever two chunk borders fall", () => {
    for (let at = 0; at <= form.length; at++) {
      for (let length = 1; length <= 40 && at + length <= form.length; length++) {
        expect(scan(form, [at, at + length])).toEqual(expected);
      }
    }
  });

  test("reads the same parts pushed one byte at a time", () => {
    const splits = Array.from({ length: form.length }, (_, i) => i);
    expect(scan(form, splits)).toEqual(expected);
  });

  test("keeps binary content byte for byte, CR and LF included", () => {
    const content = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="b.bin"\r\n\r\n`,
    );
    const tail = new TextEncoder().encode(`\r\n--${boundary}--`);
    const [part] = scan(Buffer.concat([head, content, tail]), [100, 1000, 3000]);
    expect(Buffer.from(part?.text ?? "", "latin1").equals(Buffer.from(content))).toBe(true);
  });

  test("reads a part without headers as one with no name only to refuse it", () => {
    const body = `--${boundary}\r\n\r\nx\r\n--${boundary}--`;
    expect(errorOf(() => scan(body))).toEqual({
      status: 400,
      message: "invalid multipart body: a part has no Content-Disposition header",
    });
  });

  test("accepts transport padding after a boundary and an empty part", () => {
    const body = `--${boundary} \t\r\nContent-Disposition: form-data; name="e"\r\n\r\n\r\n--${boundary}--`;
    expect(scan(body)).toEqual([
      { headers: { name: "e", filename: undefined, contentType: undefined }, text: "" },
    ]);
  });

  test("reads quoted names with escapes and unquoted ones", () => {
    const body = `--${boundary}\r\nContent-Disposition: form-data; name=plain; filename="a\\"b.zip"\r\n\r\nx\r\n--${boundary}--`;
    expect(scan(body)[0]?.headers).toEqual({
      name: "plain",
      filename: 'a"b.zip',
      contentType: undefined,
    });
  });

  const small: ScanLimits = { headerBytes: 256, preambleBytes: 256, parts: 3 };
  const part = (name: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\nv\r\n`;
  test.each([
    ["no boundary at all", "x".repeat(1000), "no boundary line in its first 256 bytes"],
    ["an empty body", "", "it holds no boundary line"],
    ["a body cut off in a part", `${part("a")}--${boundary}\r\nContent-Dis`, "it ends before"],
    ["a body cut off in content", `${part("a").slice(0, -3)}`, "it ends before"],
    ["no closing boundary", part("a"), "it ends before its closing boundary"],
    [
      "huge part headers",
      `--${boundary}\r\nContent-Disposition: form-data; name="${"n".repeat(300)}"\r\n\r\n`,
      "a part's headers are over 256 bytes",
    ],
    [
      "a header line that never ends",
      `--${boundary}\r\nX-Long: ${"h".repeat(300)}`,
      "a part's headers are over 256 bytes",
    ],
    [
      "too many parts",
      `${part("a")}${part("b")}${part("c")}${part("d")}--${boundary}--`,
      "more than 3 parts",
    ],
    ["garbage after a boundary", `--${boundary}garbage\r\n`, "followed by something other"],
    [
      "a header line without a colon",
      `--${boundary}\r\nContent-Disposition form-data\r\n\r\nv\r\n--${boundary}--`,
      "malformed header line",
    ],
    [
      "a folded header line",
      `--${boundary}\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nv\r\n--${boundary}--`,
      "malformed header line",
    ],
    [
      "a disposition other than form-data",
      `--${boundary}\r\nContent-Disposition: attachment; name="a"\r\n\r\nv\r\n--${boundary}--`,
      "is not form-data",
    ],
    [
      "a disposition without a name",
      `--${boundary}\r\nContent-Disposition: form-data; filename="a.zip"\r\n\r\nv\r\n--${boundary}--`,
      "has no name",
    ],
    [
      "a name given twice",
      `--${boundary}\r\nContent-Disposition: form-data; name="a"; name="b"\r\n\r\nv\r\n--${boundary}--`,
      "names name twice",
    ],
    [
      "two Content-Disposition headers",
      `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\ncontent-disposition: form-data; name="b"\r\n\r\nv\r\n--${boundary}--`,
      "two content-disposition headers",
    ],
    [
      "malformed parameters",
      `--${boundary}\r\nContent-Disposition: form-data; name="a\r\n\r\nv\r\n--${boundary}--`,
      "parameters are malformed",
    ],
  ])("refuses %s with 400", (_what, body, message) => {
    const error = errorOf(() => scan(body, [], small));
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(message);
  });

  test("refuses part headers that are not UTF-8", () => {
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="`,
    );
    const body = Buffer.concat([head, Uint8Array.of(0xff, 0xfe), Buffer.from(`"\r\n\r\nv`)]);
    expect(errorOf(() => scan(body))?.message).toContain("are not UTF-8 text");
  });
});

describe("readMultipart", () => {
  test("reads a stream's parts and stops at the closing boundary", async () => {
    const bytes = new TextEncoder().encode(form);
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes.slice(pulled, pulled + 7));
        pulled += 7;
        if (pulled >= bytes.length) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const kinds: string[] = [];
    for await (const event of readMultipart(stream, boundary)) kinds.push(event.kind);
    expect(kinds.filter((kind) => kind !== "data")).toEqual(["part", "end", "part", "end"]);
    // The epilogue is left unread, and the stream let go.
    expect(pulled).toBeLessThan(bytes.length);
    expect(cancelled).toBe(true);
  });

  test("refuses a stream that ends early with 400", async () => {
    const stream = new Blob([part400()]).stream();
    const read = async () => {
      for await (const _ of readMultipart(stream, boundary)) {
        // reading to the end
      }
    };
    expect(read()).rejects.toThrow("invalid multipart body: it ends before its closing boundary");
  });
});

function part400(): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished`;
}
