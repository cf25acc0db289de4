import { useMemo } from 'preact/hooks';
import { api } from '../api/sightline';
import type { ServiceMapEdge } from '../api/types';
import { Empty, Loaded } from '../components/States';
import { Table, type Column } from '../components/Table';
import { formatMs, formatPercent, formatRate } from '../lib/format';
import { usePage, useRange } from '../lib/pageContext';
import { linkWithRange, navigate } from '../lib/router';
import { layoutServiceMap } from '../lib/serviceMapLayout';
import { useApi } from '../lib/useApi';

/** `/service-map`: services as nodes, calls and messages as edges; errors stand out; click → service. */
export function ServiceMap() {
  const { resolved, key } = useRange();
  const map = useApi((s) => api.serviceMap(resolved, s), [key]);
  return (
    <Loaded state={map} what="the service map">
      {(d) =>
        d.edges.length === 0 ? (
          <Empty>No calls between services in this time range (edges come from CLIENT/PRODUCER spans whose child span is in another service).</Empty>
        ) : (
          <MapView edges={d.edges} />
        )
      }
    </Loaded>
  );
}

function MapView({ edges }: { edges: ServiceMapEdge[] }) {
  const { location } = usePage();
  const layout = useMemo(() => layoutServiceMap(edges), [edges]);
  const open = (service: string) => navigate(linkWithRange(`/services/${encodeURIComponent(service)}`, location.params));
  const columns: Column<ServiceMapEdge>[] = [
    { key: 'edge', label: 'Edge', render: (e) => `${e.client} → ${e.server}`, sort: (e) => `${e.client} ${e.server}` },
    { key: 'conn', label: 'Kind', render: (e) => e.connection },
    { key: 'rate', label: 'Rate', numeric: true, render: (e) => formatRate(e.rate), sort: (e) => e.rate },
    { key: 'err', label: 'Errors', numeric: true, render: (e) => formatPercent(e.errorRatio), sort: (e) => e.errorRatio ?? 0 },
    { key: 'p50', label: 'p50', numeric: true, render: (e) => formatMs(e.p50Ms), sort: (e) => e.p50Ms ?? 0 },
    { key: 'p95', label: 'p95', numeric: true, render: (e) => formatMs(e.p95Ms), sort: (e) => e.p95Ms ?? 0 },
    { key: 'p99', label: 'p99', numeric: true, render: (e) => formatMs(e.p99Ms), sort: (e) => e.p99Ms ?? 0 },
  ];
  return (
    <>
      <svg
        class="svc-map"
        data-testid="service-map"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        style={{ maxHeight: '70vh', height: `${Math.max(layout.height, 200)}px` }}
        role="img"
        aria-label="Service map"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <g
            key={`${e.edge.client}->${e.edge.server}-${e.edge.connection}`}
            class={`edge${e.edge.errors > 0 ? ' bad' : ''}`}
            data-edge={`${e.edge.client}->${e.edge.server}`}
          >
            <title>{`${e.edge.client} → ${e.edge.server} (${e.edge.connection})`}</title>
            <path
              d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ')}
              marker-end="url(#arrow)"
              stroke-dasharray={e.edge.connection === 'messaging' ? '5 4' : undefined}
            />
            <text x={e.label.x} y={e.label.y - 4} text-anchor="middle">
              {formatRate(e.edge.rate)} · {formatPercent(e.edge.errorRatio)}
            </text>
            <text x={e.label.x} y={e.label.y + 10} text-anchor="middle">
              p95 {formatMs(e.edge.p95Ms)}
            </text>
          </g>
        ))}
        {layout.nodes.map((n) => (
          <g
            key={n.name}
            class={`node${n.errors ? ' bad' : ''}`}
            data-service={n.name}
            tabIndex={0}
            role="link"
            aria-label={`service ${n.name}`}
            onClick={() => open(n.name)}
            onKeyDown={(e) => e.key === 'Enter' && open(n.name)}
            style={{ cursor: 'pointer' }}
          >
            <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={6} />
            <text x={n.x} y={n.y + 4} text-anchor="middle">
              {n.name}
            </text>
          </g>
        ))}
      </svg>
      <div class="section">
        <h2>Edges</h2>
        <Table testId="edges" columns={columns} rows={edges} rowKey={(e) => `${e.client}->${e.server}-${e.connection}`} />
      </div>
    </>
  );
}
