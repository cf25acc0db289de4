// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getJsonIfChanged, postJson } from '../api/client';
import { usePoll } from './usePoll';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A fake server: answers `bodies` in turn, 304 when the request names the current tag. */
function fakeServer(bodies: unknown[]) {
  const seen: { url: string; init: RequestInit }[] = [];
  let i = 0;
  globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    const current = Math.min(i++, bodies.length - 1);
    const tag = `W/"${JSON.stringify(bodies[current]).replace(/\W/g, '')}"`; // {v: 'a'} → W/"va"
    const sent = new Headers(init?.headers).get('If-None-Match');
    if (sent === tag) return new Response(null, { status: 304, headers: { ETag: tag } });
    return new Response(JSON.stringify(bodies[current]), { status: 200, headers: { ETag: tag } });
  }) as typeof fetch;
  return seen;
}

describe('conditional GET', () => {
  it('sends the tag, maps 304 to unchanged and 200 to the new answer with its tag', async () => {
    const seen = fakeServer([{ n: 1 }, { n: 1 }]);
    const first = await getJsonIfChanged<{ n: number }>('/incidents', {}, null);
    expect(first).toEqual({ changed: true, data: { n: 1 }, etag: 'W/"n1"' });
    globalThis.fetch = vi.fn(async () => new Response(null, { status: 304 })) as typeof fetch;
    expect(await getJsonIfChanged('/incidents', {}, 'W/"0"')).toEqual({ changed: false });
    expect(new Headers(seen[0]!.init.headers).get('If-None-Match')).toBeNull();
    expect(seen[0]!.init.cache).toBe('no-store');
  });

  it('posts JSON with the header a cross-site form cannot send, and reads API errors', async () => {
    globalThis.fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: { status: 409, message: 'inc-1 is acknowledged, not open' } }), {
          status: 409,
        }),
    ) as typeof fetch;
    await expect(postJson('/incidents/inc-1/ack', { by: 'ann' })).rejects.toThrow('Inc-1 is acknowledged, not open');
    const init = (globalThis.fetch as ReturnType<typeof vi.fn>).mock.calls[0]![1] as RequestInit;
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"by":"ann"}');
    expect(new Headers(init.headers).get('X-Sightline-Client')).toBe('ui');
  });
});

describe('usePoll', () => {
  let host: HTMLElement;
  afterEach(() => {
    act(() => render(null, host));
    host.remove();
  });

  it('shows the first answer, keeps it across 304s and re-renders when the answer changes', async () => {
    const seen = fakeServer([{ v: 'a' }, { v: 'a' }, { v: 'a' }, { v: 'b' }]);
    const shown: string[] = [];
    function View() {
      const s = usePoll<{ v: string }>('/alerts', { state: 'firing' }, 10);
      const text = s.data?.v ?? (s.loading ? 'loading' : 'none');
      shown.push(text);
      return <p>{text}</p>;
    }
    host = document.createElement('div');
    document.body.appendChild(host);
    act(() => render(<View />, host));
    expect(host.textContent).toBe('loading');
    await vi.waitFor(() => expect(host.textContent).toBe('b'), { timeout: 2000 });
    expect([...new Set(shown)]).toEqual(['loading', 'a', 'b']);
    // 304s re-render nothing: one render per change (and the hook's own start)
    expect(shown).toEqual(['loading', 'a', 'b']);
    expect(seen[0]!.url).toBe('/api/v1/alerts?state=firing');
    // the polls after the first named the tag they had
    expect(new Headers(seen[1]!.init.headers).get('If-None-Match')).toBe('W/"va"');
  });

  it('keeps the data shown when a later poll fails, and says so', async () => {
    let calls = 0;
    globalThis.fetch = vi.fn(async () => {
      calls++;
      if (calls === 1) return new Response('{"v":"a"}', { status: 200, headers: { ETag: 'W/"1"' } });
      throw new TypeError('network down');
    }) as typeof fetch;
    function View() {
      const s = usePoll<{ v: string }>('/alerts', {}, 10);
      return <p>{`${s.data?.v ?? '-'} ${s.staleError ? 'stale' : 'fresh'}`}</p>;
    }
    host = document.createElement('div');
    document.body.appendChild(host);
    act(() => render(<View />, host));
    await vi.waitFor(() => expect(host.textContent).toBe('a stale'));
  });
});
