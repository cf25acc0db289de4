import { useState } from 'preact/hooks';
import { navigate, withParams, type Location } from '../lib/router';
import {
  describeRange,
  fromLocalInput,
  RELATIVE_CHOICES,
  resolveRange,
  toLocalInput,
  type TimeRange,
} from '../lib/timeRange';

/** Relative choices and an absolute from/to; the choice is written to the URL (`start`, `end`). */
export function TimeRangePicker({ location, range }: { location: Location; range: TimeRange }) {
  const [open, setOpen] = useState(false);
  const resolved = resolveRange(range, Date.now());
  const [from, setFrom] = useState(toLocalInput(resolved.startMs));
  const [to, setTo] = useState(toLocalInput(resolved.endMs));
  const choose = (start: string, end: string) => {
    setOpen(false);
    navigate(withParams({ start, end: end === 'now' ? null : end }, location));
  };
  const applyAbsolute = (e: Event) => {
    e.preventDefault();
    const start = fromLocalInput(from);
    const end = fromLocalInput(to);
    if (start && end && Number(end) > Number(start)) choose(start, end);
  };
  return (
    <div class="range-picker">
      <button
        type="button"
        class="btn"
        aria-expanded={open}
        data-testid="range-button"
        onClick={() => {
          setFrom(toLocalInput(resolved.startMs));
          setTo(toLocalInput(resolved.endMs));
          setOpen(!open);
        }}
      >
        {describeRange(range)} ▾
      </button>
      {open && (
        <div class="range-menu" role="dialog" aria-label="Time range">
          <ul>
            {RELATIVE_CHOICES.map((c) => (
              <li key={c.start}>
                <button type="button" class="link-btn" onClick={() => choose(c.start, 'now')}>
                  {c.label}
                </button>
              </li>
            ))}
          </ul>
          <form onSubmit={applyAbsolute} class="range-absolute">
            <label>
              From <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
            </label>
            <label>
              To <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
            </label>
            <button type="submit" class="btn">
              Apply
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
