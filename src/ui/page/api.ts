// plugd's REST API as the page uses it: the token from sessionStorage, errors as plugd words them.

const tokenKey = "plugd.token";

/** A refusal or failure: the status and plugd's message, word for word. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type AuthListener = (error: ApiError) => void;
let onAuth: AuthListener = () => {};

/** Called with every 401 and 403, so the page can ask for a token or explain the refusal. */
export function onAuthError(listener: AuthListener): void {
  onAuth = listener;
}

export function token(): string {
  return sessionStorage.getItem(tokenKey) ?? "";
}

/** Keeps the token for this tab only (sessionStorage), or forgets it when empty. */
export function setToken(value: string): void {
  if (value.trim() === "") sessionStorage.removeItem(tokenKey);
  else sessionStorage.setItem(tokenKey, value.trim());
}

/** The headers every API request carries: the token, when one was given. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const value = token();
  return value ? { ...extra, authorization: `Bearer ${value}` } : extra;
}

/** plugd's message from an error answer (`{"error","message"}`), else the text itself. */
export function messageOf(text: string, status: number): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "message" in parsed) {
      return String((parsed as { message: unknown }).message);
    }
  } catch {
    // Not JSON: the text is the message.
  }
  return text || `HTTP ${status}`;
}

/** Throws ApiError for an answer that is not 2xx (telling the auth listener of 401/403). */
export async function check(response: Response): Promise<Response> {
  if (response.ok) return response;
  const error = new ApiError(response.status, messageOf(await response.text(), response.status));
  if (response.status === 401 || response.status === 403) onAuth(error);
  throw error;
}

/** A request to plugd's own origin with the token; throws ApiError unless it succeeds. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = authHeaders(Object.fromEntries(new Headers(init.headers).entries()));
  return check(await fetch(path, { ...init, headers }));
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

/** POST/PUT a JSON body; the answer's text (plugd answers changes with a sentence). */
export async function sendJson(method: string, path: string, body: unknown): Promise<string> {
  const init = { method, headers: { "content-type": "application/json" } };
  return (await call(path, { ...init, body: JSON.stringify(body) })).text();
}

/** The text to show for a failure of any kind. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
