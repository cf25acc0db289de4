// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { buildSpanTree, visibleRows } from '../lib/spanTree';
import { FULL_VIEW } from '../lib/timelineView';
import { Waterfall } from '../pages/trace/Waterfall';
import { Loaded } from './States';
import { Table } from './Table';

let host: HTMLElement;
function mount(node: preact.ComponentChild) {
  host = document.createElement('div');
  document.body.appendChild(host);
  act(() => render(node, host));
  return host;
}
afterEach(() => {
  render(null, host);
  host.remove();
});

function span(spanId: string, parentSpanId: string, start: number, end: number, error = false): Span {
  return {
    traceId: 't',
    spanId,
    parentSpanId,
    name: `op ${spanId}`,
    kind: 'INTERNAL',
    service: 'svc',
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationNanos: end - start,
    status: { code: error ? 'ERROR' : 'UNSET', message: '' },
    attributes: {},
    resource: {},
    scope: { name: '', version: '' },
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

describe('Loaded', () => {
  const child = (d: string) => <p>{d}</p>;
  it('shows loading, then the error, then the data', () => {
    const el = mount(<Loaded state={{ data: undefined, error: undefined, loading: true }} what="traces">{child}</Loaded>);
    expect(el.textContent).toContain('Loading traces');
    act(() => render(<Loaded state={{ data: undefined, error: 'Server down', loading: false }} what="traces">{child}</Loaded>, el));
    expect(el.querySelector('[role=alert]')!.textContent).toContain('Server down');
    act(() => render(<Loaded state={{ data: 'ok', error: undefined, loading: true }} what="traces">{child}</Loaded>, el));
    expect(el.textContent).toBe('ok'); // a refresh keeps the data shown
  });
});

describe('Table', () => {
  it('sorts by a column when its heading is clicked, reversing on the second click', () => {
    const rows = [{ n: 'b', v: 2 }, { n: 'a', v: 3 }, { n: 'c', v: 1 }];
    const el = mount(
      <Table
        columns={[
          { key: 'n', label: 'Name', render: (r) => r.n, sort: (r) => r.n },
          { key: 'v', label: 'Value', render: (r) => r.v, sort: (r) => r.v, numeric: true },
        ]}
        rows={rows}
        rowKey={(r) => r.n}
      />,
    );
    const names = () => [...el.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent);
    expect(names()).toEqual(['b', 'a', 'c']);
    const value = el.querySelectorAll('th button')[1] as HTMLButtonElement;
    act(() => value.click());
    expect(names()).toEqual(['a', 'b', 'c']);
    act(() => value.click());
    expect(names()).toEqual(['c', 'b', 'a']);
  });
});

describe('Waterfall', () => {
  it('puts only the rows in view in the DOM for a 10,000-span trace', () => {
    const spans = [span('root', '', 0, 10_000)];
    for (let i = 1; i < 10_000; i++) spans.push(span(`s${i}`, 'root', i, i + 1, i === 5));
    const tree = buildSpanTree(spans);
    const rows = visibleRows(tree, new Set());
    const el = mount(
      <Waterfall
        tree={tree}
        rows={rows}
        collapsed={new Set()}
        onToggle={() => undefined}
        selected={null}
        onSelect={() => undefined}
        critical={null}
        matches={null}
        height={480}
        view={FULL_VIEW}
      />,
    );
    const rendered = el.querySelectorAll('.wf-row');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(60);
    expect(el.querySelector('.wf-header')!.textContent).toContain('10000 rows');
    expect(el.querySelector('.wf-row[data-error=true] .wf-label')!.textContent).toContain('op s5');
  });
});

describe('PageBoundary', () => {
  it('shows a readable error instead of a blank page when a page throws', async () => {
    const { PageBoundary } = await import('./PageBoundary');
    function Broken(): preact.JSX.Element {
      throw new Error('bad span data');
    }
    const errors = console.error;
    console.error = () => undefined;
    try {
      const el = mount(
        <PageBoundary>
          <Broken />
        </PageBoundary>,
      );
      expect(el.querySelector('[role=alert]')!.textContent).toContain('bad span data');
    } finally {
      console.error = errors;
    }
  });
});
