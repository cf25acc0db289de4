import type { SloRule } from '../api/slos';
import { formatTimestamp } from '../lib/format';
import {
  budgetBar,
  burnRateList,
  formatBurnRate,
  formatCountdown,
  formatRelative,
  parseTime,
  windowThreshold,
} from '../lib/slo';

/** Small parts shared by the SLO, alert and overview pages. */

/** Error budget remaining as a bar; an overspent budget is a full red bar saying by how much. */
export function BudgetBar({ remaining }: { remaining: number | null | undefined }) {
  const bar = budgetBar(remaining);
  if (!bar) return <span class="muted" title="no events in the SLO window yet">–</span>;
  const cls = bar.overspent ? 'overspent' : bar.fraction < 0.25 ? 'low' : '';
  return (
    <span class={`budget ${cls}`} data-testid="budget" data-overspent={bar.overspent ? 'true' : 'false'}>
      <span class="budget-track" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={bar.fraction} aria-label={`error budget ${bar.label}`}>
        <span class="budget-fill" style={{ width: `${bar.fraction * 100}%` }} />
      </span>
      <span class="budget-text">{bar.label}</span>
    </span>
  );
}

export function StatePill({ state }: { state: string }) {
  return <span class={`state-pill state-${state}`}>{state}</span>;
}

/**
 * Burn rate per window, shortest first; a rate at or above the smallest threshold of a rule using
 * its window is hot, above 1 (spending faster than the budget allows) warm.
 */
export function BurnRates({ rates, rules }: { rates: Record<string, number | null> | undefined; rules?: SloRule[] }) {
  const list = burnRateList(rates);
  if (list.length === 0) return <span class="muted">–</span>;
  return (
    <span class="rates">
      {list.map(({ window, rate }) => {
        const threshold = windowThreshold(rules, window);
        const cls = rate == null ? 'muted' : threshold != null && rate >= threshold ? 'hot' : rate > 1 ? 'warm' : '';
        const title = threshold != null ? `burn rate over ${window}; a rule on this window fires at ${threshold}×` : `burn rate over ${window}`;
        return (
          <span key={window} class={cls} title={title}>
            <span class="muted">{window}</span> {formatBurnRate(rate)}
          </span>
        );
      })}
    </span>
  );
}

/** A time as `5m ago`, with the absolute local time as its title. */
export function Since({ at, now }: { at: string; now: number }) {
  const ms = parseTime(at);
  return (
    <time dateTime={at} title={formatTimestamp(ms * 1e6)}>
      {formatRelative(ms, now)}
    </time>
  );
}

/** A respond-by deadline counting down (`in 12m`), red once overdue. */
export function Countdown({ deadline, now, done }: { deadline: string; now: number; done?: boolean }) {
  const ms = parseTime(deadline);
  const c = formatCountdown(ms, now);
  return (
    <time dateTime={deadline} title={`respond by ${formatTimestamp(ms * 1e6)}`} class={c.overdue && !done ? 'overdue' : undefined} data-testid="respond-by">
      {c.text}
    </time>
  );
}

/** Said above live data when the latest poll failed. */
export function StaleNote({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="stale" role="status">
      Not updating: {error} Showing the last answer.
    </p>
  );
}
