// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, errorFrom, getJson, getSession, safeNext, signIn } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('builds URLs without empty values, with repeated pairs', () => {
    expect(apiUrl('/traces', { service: 'a b', operation: '', limit: 20, x: undefined, q: [['attr.k', 'v'], ['attr.k', 'w']] })).toBe(
      '/api/v1/traces?service=a+b&limit=20&attr.k=v&attr.k=w',
    );
    expect(apiUrl('/services')).toBe('/api/v1/services');
  });

  it("turns the API's error object into a readable message naming the parameter", () => {
    const e = errorFrom({ error: { status: 400, message: "invalid parameter 'start'", parameter: 'start' } }, 400, '/x');
    expect(e.message).toBe("Invalid parameter 'start'");
    expect(e.parameter).toBe('start');
    expect(errorFrom({ error: { message: 'storage is busy' } }, 500, '/x').message).toContain('Retry in a moment');
    expect(errorFrom('<html>', 502, '/api/v1/x').message).toContain('/api/v1/x');
  });

  it('answers parsed JSON and rejects non-JSON and unreachable servers with ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"names":["a"]}', { status: 200 })));
    await expect(getJson('/metrics/names')).resolves.toEqual({ names: ['a'] });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>oops</html>', { status: 502 })));
    await expect(getJson('/x')).rejects.toThrow(/not JSON/);
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const e = await getJson('/x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toMatch(/Cannot reach the Sightline server/);
  });

  it('goes to the sign-in page on a 401, and back afterwards', async () => {
    window.history.replaceState(null, '', '/traces?service=a');
    const unauthorized = () =>
      new Response('{"error":{"status":401,"message":"authentication required"}}', { status: 401 });
    vi.stubGlobal('fetch', vi.fn(async () => unauthorized()));
    await expect(getJson('/traces')).rejects.toMatchObject({ status: 401 });
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/traces?service=a');
    // the session endpoint itself never redirects: the sign-in page asks it
    window.history.replaceState(null, '', '/slos');
    await expect(getSession()).resolves.toBeNull();
    await expect(signIn('sl_bad')).rejects.toMatchObject({ status: 401 });
    expect(window.location.pathname).toBe('/slos');
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"auth":false}', { status: 200 })));
    await expect(getSession()).resolves.toEqual({ auth: false });
  });

  it('signs in with a JSON body and the client header', async () => {
    const fetch = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    await signIn('sl_abc');
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/session');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"token":"sl_abc"}');
    expect((init.headers as Record<string, string>)['X-Sightline-Client']).toBe('ui');
  });

  it('returns only to paths of this origin', () => {
    expect(safeNext('/traces?x=1')).toBe('/traces?x=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example/')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
  });
});
