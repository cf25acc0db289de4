import type { SpanFilter } from '../../lib/spanFilter';

/** The waterfall's controls: span filter fields, only-matches, critical path, collapse/expand. */
export function SpanFilterForm(props: {
  services: string[];
  filter: SpanFilter;
  onChange: (f: SpanFilter) => void;
  onlyMatches: boolean;
  onOnlyMatches: (on: boolean) => void;
  matchCount: number | null;
  critical: boolean;
  onCritical: (on: boolean) => void;
  onCollapseAll: () => void;
  onExpandAll: () => void;
}) {
  const f = props.filter;
  const text = (field: 'name' | 'attribute' | 'minDurationMs') => (e: Event) =>
    props.onChange({ ...f, [field]: (e.currentTarget as HTMLInputElement).value });
  return (
    <div class="form" role="search" aria-label="Filter spans">
      <label>
        Service
        <select value={f.service} onChange={(e) => props.onChange({ ...f, service: e.currentTarget.value })}>
          <option value="">all</option>
          {props.services.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label>
        Name contains
        <input value={f.name} onInput={text('name')} />
      </label>
      <label>
        Attribute (KEY or KEY=VALUE)
        <input value={f.attribute} onInput={text('attribute')} />
      </label>
      <label>
        Min duration (ms)
        <input value={f.minDurationMs} inputMode="decimal" size={6} onInput={text('minDurationMs')} />
      </label>
      <label class="toggle">
        <input type="checkbox" checked={f.errorsOnly} onChange={(e) => props.onChange({ ...f, errorsOnly: e.currentTarget.checked })} /> Errors only
      </label>
      <label class="toggle">
        <input type="checkbox" checked={props.onlyMatches} onChange={(e) => props.onOnlyMatches(e.currentTarget.checked)} /> Hide others
      </label>
      {props.matchCount != null && <span class="muted">{props.matchCount} matching</span>}
      <label class="toggle">
        <input type="checkbox" data-testid="critical-toggle" checked={props.critical} onChange={(e) => props.onCritical(e.currentTarget.checked)} /> Critical path
      </label>
      <button type="button" class="btn" onClick={props.onCollapseAll}>Collapse</button>
      <button type="button" class="btn" onClick={props.onExpandAll}>Expand</button>
    </div>
  );
}
