// An HTTP client run inside a network namespace: `bun http-client-fixture.ts URL [INIT-JSON]`.

/** Prints `{status, body}` of one request; a failure exits non-zero with the error on stderr. */
async function main(url: string, initText: string): Promise<void> {
  const init = JSON.parse(initText) as RequestInit;
  // Bounded, so a request that is never answered fails the test instead of hanging it.
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  process.stdout.write(JSON.stringify({ status: res.status, body: await res.text() }));
}

void main(process.argv[2] ?? "", process.argv[3] ?? "{}");
