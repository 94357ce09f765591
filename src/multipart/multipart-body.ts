// A multipart/form-data request body not read yet, handed by the body parser to the upload.

/**
 * The body's stream (already size-capped by the HTTP layer) and its boundary. Nothing is read
 * until the upload reads it, so a refused upload costs no memory and no disk.
 */
export class MultipartBody {
  readonly stream: ReadableStream<Uint8Array>;
  readonly boundary: string;
  /** The uploaded file's name, noted once its part headers are read: the audit line names it. */
  name: string | undefined;

  constructor(stream: ReadableStream<Uint8Array>, boundary: string) {
    this.stream = stream;
    this.boundary = boundary;
  }
}
