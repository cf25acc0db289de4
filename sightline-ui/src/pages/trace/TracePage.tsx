import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api/sightline';
import type { Trace } from '../../api/types';
import { LogLine } from '../../components/LogLine';
import { Empty, Loaded } from '../../components/States';
import { criticalPath } from '../../lib/criticalPath';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { usePage } from '../../lib/pageContext';
import { navigate, withParams } from '../../lib/router';
import { isFilterActive, matchesFilter, serviceColor, spanFilterChanges, spanFilterFromParams } from '../../lib/spanFilter';
import { buildSpanTree, visibleRows } from '../../lib/spanTree';
import type { ResolvedRange } from '../../lib/timeRange';
import { useApi } from '../../lib/useApi';
import { viewFromParam, viewToParam } from '../../lib/timelineView';
import { Minimap } from './Minimap';
import { SpanDetail } from './SpanDetail';
import { SpanFilterForm } from './SpanFilterForm';
import { Waterfall } from './Waterfall';

/** `/traces/{traceId}`: the waterfall, span detail, and the trace's logs; `span`, `tab`, `critical` in the URL. */
export function TracePage({ traceId }: { traceId: string }) {
  const trace = useApi((s) => api.trace(traceId, s), [traceId]);
  return (
    <Loaded state={trace} what="the trace">
      {(t) => (t.spans.length === 0 ? <Empty>This trace has no spans.</Empty> : <TraceView trace={t} />)}
    </Loaded>
  );
}

function TraceView({ trace }: { trace: Trace }) {
  const { location } = usePage();
  const params = location.params;
  const tree = useMemo(() => buildSpanTree(trace.spans), [trace]);
  const showCritical = params.get('critical') === 'on';
  const critical = useMemo(() => (showCritical ? criticalPath(tree) : null), [tree, showCritical]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // the filter, "hide others" and the zoom live in the URL, so a shared link shows the same rows
  const filter = spanFilterFromParams(params);
  const filterKey = JSON.stringify(filter);
  const onlyMatches = params.get('only') === 'on';
  const view = viewFromParam(params.get('zoom'));
  const update = (changes: Record<string, string | null>) => navigate(withParams(changes, location), true);
  const matches = useMemo(() => {
    if (!isFilterActive(filter)) return null;
    return new Set(trace.spans.filter((s) => matchesFilter(s, filter)).map((s) => s.spanId));
  }, [trace, filterKey]);
  const rows = useMemo(() => {
    const all = visibleRows(tree, collapsed);
    if (!matches || !onlyMatches) return all;
    const keep = new Set<string>();
    for (const id of matches) for (let n = tree.byId.get(id) ?? null; n; n = n.parent) keep.add(n.span.spanId);
    return all.filter((r) => keep.has(r.span.spanId));
  }, [tree, collapsed, matches, onlyMatches]);
  const selectedId = params.get('span') ?? null;
  const selected = selectedId ? tree.byId.get(selectedId)?.span ?? null : null;
  const tab = params.get('tab') === 'logs' ? 'logs' : 'spans';
  const logRange: ResolvedRange = {
    startMs: Math.floor(tree.start / 1e6) - 3_600_000,
    endMs: Math.ceil(tree.end / 1e6) + 3_600_000,
  };
  const services = [...new Set(trace.spans.map((s) => s.service))].sort();
  const errors = trace.spans.filter((s) => s.status.code === 'ERROR').length;
  const root = tree.roots[0]?.span;
  const toggle = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  return (
    <>
      <div class="cards">
        <div class="card">
          <div class="muted">Trace</div>
          <div class="mono">{trace.traceId}</div>
          <div>{root && <strong>{root.service} {root.name}</strong>}</div>
        </div>
        <div class="card"><div class="muted">Start</div><div>{formatTimestamp(tree.start)}</div></div>
        <div class="card"><div class="muted">Duration</div><div class="value">{formatDuration(tree.end - tree.start)}</div></div>
        <div class="card"><div class="muted">Spans</div><div class="value">{trace.spans.length}</div></div>
        <div class={`card ${errors > 0 ? 'bad' : ''}`}><div class="muted">Errors</div><div class="value">{errors}</div></div>
        <div class="card">
          <div class="muted">Services</div>
          {services.map((s) => (
            <span key={s} class="pill" style={{ borderColor: serviceColor(s) }}>{s}</span>
          ))}
        </div>
      </div>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'spans'} onClick={() => navigate(withParams({ tab: null }, location), true)}>
          Spans
        </button>
        <button type="button" role="tab" aria-selected={tab === 'logs'} data-testid="logs-tab" onClick={() => navigate(withParams({ tab: 'logs' }, location), true)}>
          Logs
        </button>
      </div>
      {tab === 'logs' ? (
        <TraceLogs traceId={trace.traceId} range={logRange} params={params} />
      ) : (
        <>
          <SpanFilterForm
            services={services}
            filter={filter}
            onChange={(f) => update(spanFilterChanges(f))}
            onlyMatches={onlyMatches}
            onOnlyMatches={(on) => update({ only: on ? 'on' : null })}
            matchCount={matches?.size ?? null}
            critical={showCritical}
            onCritical={(on) => update({ critical: on ? 'on' : null })}
            onCollapseAll={() => setCollapsed(new Set(trace.spans.filter((s) => tree.byId.get(s.spanId)!.children.length > 0 && tree.byId.get(s.spanId)!.depth >= 1).map((s) => s.spanId)))}
            onExpandAll={() => setCollapsed(new Set())}
          />
          <Minimap tree={tree} rows={rows} view={view} onView={(v) => update({ zoom: viewToParam(v) })} />
          <div class="trace-layout">
            <Waterfall
              view={view}
              tree={tree}
              rows={rows}
              collapsed={collapsed}
              onToggle={toggle}
              selected={selectedId}
              onSelect={(id) => navigate(withParams({ span: id }, location), true)}
              critical={critical}
              matches={matches}
              height={Math.max(240, Math.min(rows.length * 24, 640))}
            />
            {selected ? (
              <SpanDetail key={selected.spanId} span={selected} traceStart={tree.start} logRange={logRange} />
            ) : (
              <Empty>Select a span to see its attributes, events, links and logs.</Empty>
            )}
          </div>
        </>
      )}
    </>
  );
}

function TraceLogs({ traceId, range, params }: { traceId: string; range: ResolvedRange; params: URLSearchParams }) {
  const logs = useApi((s) => api.logs({ traceId }, range, 1000, s), [traceId]);
  const spanLink = (spanId: string) => {
    const q = new URLSearchParams(params);
    q.delete('tab');
    q.set('span', spanId);
    return `/traces/${traceId}?${q.toString()}`;
  };
  return (
    <Loaded state={logs} what="the trace's logs">
      {(d) =>
        d.logs.length === 0 ? (
          <Empty>No log record carries this trace id.</Empty>
        ) : (
          <div data-testid="trace-logs">
            {[...d.logs].reverse().map((l: typeof d.logs[number], i) => (
              <LogLine key={i} log={l} spanHref={l.spanId ? spanLink(l.spanId) : ''} />
            ))}
          </div>
        )
      }
    </Loaded>
  );
}

