// A small HTTP load generator: `connections` fetch loops against one URL for a fixed time.

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
}

/** Runs GET `url` from `connections` concurrent loops for `seconds`; counts 2xx answers. */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const deadline = performance.now() + seconds * 1000;
  let requests = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) requests++;
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  return { requests, seconds: elapsed, rps: requests / elapsed, errors };
}
