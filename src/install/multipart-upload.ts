// Receives the uploadFile part of a multipart body into a file as it arrives: named, capped, hashed.
import { closeSync, openSync, writeSync } from "node:fs";
import { formatSize } from "../config/units.ts";
import { badRequest, describeError, internal, tooLarge } from "../errors.ts";
import type { MultipartBody } from "../multipart/multipart-body.ts";
import type { PartHeaders } from "../multipart/part-headers.ts";
import { readMultipart } from "../multipart/read-multipart.ts";
import { checkUploadName } from "./names.ts";

/** The form field that carries the file, as eKuiper names it. */
const fileField = "uploadFile";

/** The file received: its checked name, size and lower-case hex SHA-256. */
export interface ReceivedFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Reads `body` and writes its `uploadFile` part to `dest` (which must not exist), each piece
 * written before the next is read, so memory stays at one chunk whatever the file's size.
 * Other fields are read past and dropped. The caller removes `dest` on failure.
 * @throws AppError 400 for a malformed form, a missing, nameless or second file part, or a bad
 *   name (checked before anything is written); 413 past `maxBytes`; 500 when the disk fails.
 */
export async function receiveFilePart(
  body: MultipartBody,
  dest: string,
  maxBytes: number,
): Promise<ReceivedFile> {
  let writer: PartWriter | undefined;
  let current: PartWriter | undefined;
  try {
    for await (const event of readMultipart(body.stream, body.boundary)) {
      if (event.kind === "part") {
        current = undefined;
        if (event.headers.name !== fileField) continue;
        if (writer) throw badRequest(`the form has more than one ${fileField} part`);
        const name = fileNameOf(event.headers, body);
        writer = current = PartWriter.create(dest, name, maxBytes);
      } else if (event.kind === "data") {
        current?.write(event.bytes);
      } else {
        current = undefined;
      }
    }
    if (!writer) throw badRequest(`the form has no ${fileField} part: send the file in that field`);
    return writer.finish();
  } finally {
    try {
      writer?.close();
    } catch {
      // Closing after a failure: the error worth reporting is the one that got us here.
    }
  }
}

function fileNameOf(headers: PartHeaders, body: MultipartBody): string {
  if (headers.filename === undefined) {
    throw badRequest(`the ${fileField} part has no filename: send it as a file`);
  }
  body.name = headers.filename;
  return checkUploadName(headers.filename);
}

/** One file being written: counts every byte, writes and hashes those under the cap. */
class PartWriter {
  readonly #fd: number;
  readonly #name: string;
  readonly #maxBytes: number;
  readonly #hasher = new Bun.CryptoHasher("sha256");
  #size = 0;
  #closed = false;

  private constructor(fd: number, name: string, maxBytes: number) {
    this.#fd = fd;
    this.#name = name;
    this.#maxBytes = maxBytes;
  }

  static create(dest: string, name: string, maxBytes: number): PartWriter {
    try {
      return new PartWriter(openSync(dest, "wx"), name, maxBytes);
    } catch (err) {
      throw internal(`cannot create ${dest}: ${describeError(err)}`, err);
    }
  }

  /**
   * Written at once, not through fs/promises: each chunk then goes to the page cache before
   * the next is read, instead of waiting in a queue of pending writes (which took three times
   * the memory under four parallel uploads). A slow disk slows the reading, as it should.
   */
  write(bytes: Uint8Array): void {
    this.#size += bytes.byteLength;
    // Past the cap the rest is only counted, so the answer can say the size, as for a
    // declared one; the body's own cap (checked as it is read) bounds how long that goes on.
    if (this.#size > this.#maxBytes) return;
    this.#hasher.update(bytes);
    try {
      // A write may be short (signals, a full disk); the rest goes in the next call.
      for (let offset = 0; offset < bytes.byteLength; ) {
        offset += writeSync(this.#fd, bytes, offset, bytes.byteLength - offset);
      }
    } catch (err) {
      throw internal(`cannot write the upload: ${describeError(err)}`, err);
    }
  }

  /** @throws AppError 413 when the part was over the cap. */
  finish(): ReceivedFile {
    if (this.#size > this.#maxBytes) {
      throw tooLarge(
        `the upload is ${formatSize(this.#size)}, over the ${formatSize(this.#maxBytes)} limit (plugin.maxDownloadSize)`,
      );
    }
    this.close();
    return { name: this.#name, size: this.#size, sha256: this.#hasher.digest("hex") };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
