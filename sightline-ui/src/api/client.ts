import { navigate } from '../lib/router';

/**
 * The one way the UI talks to the server: GET JSON from `/api/v1/...` on the same origin. Errors
 * (the API's `{"error": {"status", "message", "parameter"}}`, a network failure, a non-JSON
 * answer) become an {@link ApiError} whose message a person can act on. Credentials are the
 * session cookie (`credentials: 'same-origin'` in {@link requestInit}); a 401 from any call goes to
 * the sign-in page (`/login?next=HERE`), which returns here afterwards.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Params = Record<string, string | number | undefined | null | readonly [string, string][]>;

/**
 * The one place for request options shared by every call (a bearer token or cookie later). Every
 * request names itself with `X-Sightline-Client`, a header a cross-site form cannot send.
 */
function requestInit(signal?: AbortSignal, extra: Record<string, string> = {}): RequestInit {
  return {
    headers: { Accept: 'application/json', 'X-Sightline-Client': 'ui', ...extra },
    credentials: 'same-origin',
    signal,
  };
}

/** `path?params`: undefined, null and empty values left out; pair lists appended as given. */
export function apiUrl(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value == null || value === '') continue;
    if (Array.isArray(value)) {
      for (const [k, v] of value as readonly [string, string][]) query.append(k, v);
    } else {
      query.set(key, String(value));
    }
  }
  const q = query.toString();
  return q ? `/api/v1${path}?${q}` : `/api/v1${path}`;
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path, params);
  return parseJson<T>(await send(url, requestInit(signal)), url);
}

/** What a conditional GET found: the same answer as `etag` named, or a new one with its tag. */
export type Conditional<T> = { changed: false } | { changed: true; data: T; etag: string | null };

/**
 * A GET that sends `If-None-Match: etag` (when given); the server answers 304 when its answer is
 * unchanged, so a poll costs a few bytes and no re-render.
 */
export async function getJsonIfChanged<T>(
  path: string,
  params: Params,
  etag: string | null,
  signal?: AbortSignal,
): Promise<Conditional<T>> {
  const url = apiUrl(path, params);
  const init = requestInit(signal, etag ? { 'If-None-Match': etag } : {});
  // the browser's own cache would turn a 304 into a 200 with the cached body; keep it out
  const response = await send(url, { ...init, cache: 'no-store' });
  if (response.status === 304) return { changed: false };
  const data = await parseJson<T>(response, url);
  return { changed: true, data, etag: response.headers.get('ETag') };
}

/** POSTs a JSON body (`{}` when absent); answers the parsed JSON of a 2xx, else an ApiError. */
export async function postJson<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path);
  const init = requestInit(signal, { 'Content-Type': 'application/json' });
  return parseJson<T>(await send(url, { ...init, method: 'POST', body: JSON.stringify(body) }), url);
}

/** GETs a text resource (a Markdown post-mortem); errors as for JSON. */
export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const url = apiUrl(path);
  const response = await send(url, requestInit(signal, { Accept: 'text/markdown, text/plain' }));
  if (response.ok) return response.text();
  return parseJson<string>(response, url);
}

async function send(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(
      'Cannot reach the Sightline server. Check that it is running and reachable, then retry.',
      0,
    );
  }
  if (response.status === 401 && !url.startsWith(SESSION)) toLogin();
  return response;
}

const SESSION = '/api/v1/session';

/** After a 401 (no session, expired, or its token revoked): the sign-in page, then back here. */
function toLogin(): void {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === '/login') return;
  navigate(`/login?next=${encodeURIComponent(here)}`);
}

/** Who the UI is signed in as; `{auth: false}` when the server runs without authentication. */
export type Session =
  | { auth: false }
  | { auth: true; tenant: string; roles: string[]; name: string; tokenId: string };

/** `GET /api/v1/session`: the current session, or null when not signed in (401). */
export async function getSession(signal?: AbortSignal): Promise<Session | null> {
  const response = await send(SESSION, requestInit(signal));
  if (response.status === 401) return null;
  return parseJson<Session>(response, SESSION);
}

/** `POST /api/v1/session`: signs in with a token (the server sets an HttpOnly cookie). */
export async function signIn(token: string): Promise<void> {
  const init = requestInit(undefined, { 'Content-Type': 'application/json' });
  const response = await send(SESSION, { ...init, method: 'POST', body: JSON.stringify({ token }) });
  if (!response.ok) await parseJson<unknown>(response, SESSION);
}

/** `DELETE /api/v1/session`: signs out. */
export async function signOut(): Promise<void> {
  const response = await send(SESSION, { ...requestInit(), method: 'DELETE' });
  if (!response.ok) await parseJson<unknown>(response, SESSION);
}

/** A `next` parameter that is safe to go back to: a path of this origin, else `/`. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next.startsWith('/login') ? '/' : next;
}

async function parseJson<T>(response: Response, url: string): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(
      `The server answered ${response.status} with something that is not JSON (from ${url}).`,
      response.status,
    );
  }
  if (!response.ok) throw errorFrom(body, response.status, url);
  return body as T;
}

/** The API's error object as an ApiError, or a generic one naming the status. */
export function errorFrom(body: unknown, status: number, url: string): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: { message?: unknown; parameter?: unknown } }).error;
    if (typeof error?.message === 'string') {
      const parameter = typeof error.parameter === 'string' ? error.parameter : undefined;
      return new ApiError(describe(status, error.message), status, parameter);
    }
  }
  return new ApiError(describe(status, `request to ${url} failed`), status);
}

function describe(status: number, message: string): string {
  if (status === 501) return `${message} (this storage backend cannot answer it).`;
  if (status >= 500) return `The server failed: ${message}. Retry in a moment; if it persists, check the server log.`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}
