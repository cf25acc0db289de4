import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, errorFrom, getJson } from './client';

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
});
