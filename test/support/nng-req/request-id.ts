// REQ0 request ids: what the requesting side of REQ/REP needs (plugd is only ever the REP side).

/** The request id at the front of a reply, or undefined when the reply is under 4 bytes. */
export function readRequestId(payload: Uint8Array): number | undefined {
  if (payload.length < 4) return undefined;
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
}

/** The 4 big-endian bytes of a request id. */
export function encodeRequestId(id: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, id >>> 0);
  return bytes;
}

/** A random first request id in 0x80000000..0xffffffff, as NNG picks it. */
export function randomRequestId(): number {
  const [random = 0] = crypto.getRandomValues(new Uint32Array(1));
  return (random | 0x80000000) >>> 0;
}

/** The id after `id`, wrapping from 0xffffffff back to 0x80000000 so bit 31 stays set. */
export function nextRequestId(id: number): number {
  return ((id + 1) | 0x80000000) >>> 0;
}
