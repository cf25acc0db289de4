import { api } from '../api/sightline';
import type { ServiceSummary } from '../api/types';
import { LiveAlerts } from '../components/LiveAlerts';
import { Link } from '../components/Link';
import { Sparkline } from '../components/Sparkline';
import { Empty, Loaded } from '../components/States';
import { Table, type Column } from '../components/Table';
import { formatMs, formatPercent, formatRate } from '../lib/format';
import { usePage, useRange } from '../lib/pageContext';
import { linkWithRange } from '../lib/router';
import { useApi } from '../lib/useApi';

/** `/`: firing alerts and open incidents (live), then every service with its RED over the range and a rate sparkline. */
export function Overview() {
  const { location } = usePage();
  const { resolved, key } = useRange();
  const services = useApi((s) => api.services(resolved, s), [key]);
  // every service's rate over the range in one request
  const sparks = useApi((s) => api.redByService(resolved, s), [key]);
  const rates = new Map(sparks.data?.series.map((x) => [x.service, x.points.map((p) => p.rate)]));
  const columns: Column<ServiceSummary>[] = [
    {
      key: 'name',
      label: 'Service',
      render: (s) => <Link href={linkWithRange(`/services/${encodeURIComponent(s.name)}`, location.params)}>{s.name}</Link>,
      sort: (s) => s.name,
    },
    { key: 'rate', label: 'Rate', numeric: true, render: (s) => formatRate(s.rate), sort: (s) => s.rate ?? 0 },
    {
      key: 'err',
      label: 'Errors',
      numeric: true,
      render: (s) => <span class={(s.errorRatio ?? 0) > 0 ? 'error-text' : undefined}>{formatPercent(s.errorRatio)}</span>,
      sort: (s) => s.errorRatio ?? 0,
    },
    { key: 'p50', label: 'p50', numeric: true, render: (s) => formatMs(s.p50Ms), sort: (s) => s.p50Ms ?? 0 },
    { key: 'p95', label: 'p95', numeric: true, render: (s) => formatMs(s.p95Ms), sort: (s) => s.p95Ms ?? 0 },
    { key: 'p99', label: 'p99', numeric: true, render: (s) => formatMs(s.p99Ms), sort: (s) => s.p99Ms ?? 0 },
    {
      key: 'spark',
      label: 'Rate over the range',
      render: (s) => {
        const values = rates.get(s.name);
        if (sparks.error) return <span class="muted" title={sparks.error}>–</span>;
        if (!values) return <span class="muted">{sparks.data ? 'no entry spans' : '…'}</span>;
        return <Sparkline values={values} label={`request rate of ${s.name}`} />;
      },
    },
  ];
  return (
    <>
      <LiveAlerts />
      <Loaded state={services} what="services">
        {(d) =>
          d.services.length === 0 ? (
            <Empty>No service sent spans in this time range. Point an OpenTelemetry SDK at port 4318 (OTLP/HTTP) or 4317 (gRPC), or widen the range.</Empty>
          ) : (
            <Table
              testId="services"
              columns={columns}
              rows={d.services}
              rowKey={(s) => s.name}
              initialSort={{ key: 'name', descending: false }}
            />
          )
        }
      </Loaded>
    </>
  );
}
