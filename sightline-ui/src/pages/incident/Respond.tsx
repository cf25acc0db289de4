import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { incidentApi, type Incident, type LifecycleAction } from '../../api/incidents';
import { Ago } from '../../components/IncidentBits';
import { allowedActions } from '../../lib/incident';

const NAME_KEY = 'sightline.responder';

/** The responder's name, remembered in localStorage (when the browser allows it). */
export function useResponderName(): [string, (name: string) => void] {
  const [name, setName] = useState(() => {
    try {
      return localStorage.getItem(NAME_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const set = (value: string) => {
    setName(value);
    try {
      if (value.trim()) localStorage.setItem(NAME_KEY, value.trim());
      else localStorage.removeItem(NAME_KEY);
    } catch {
      // storage refused (private mode): the name lasts for this page only
    }
  };
  return [name, set];
}

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

const LABELS: Record<LifecycleAction, string> = { ack: 'Acknowledge', mitigate: 'Mitigate', resolve: 'Resolve' };
const TEST_IDS: Record<LifecycleAction, string> = { ack: 'ack-button', mitigate: 'mitigate-button', resolve: 'resolve-button' };

/** Acknowledge / Mitigate / Resolve, enabled as the status allows, recording who and why. */
export function Lifecycle(props: { incident: Incident; onUpdate: (card: Incident) => void; name: string; setName: (n: string) => void }) {
  const { incident } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<LifecycleAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allowed = allowedActions(incident.status);
  const run = async (action: LifecycleAction) => {
    setBusy(action);
    setError(null);
    const by = props.name.trim();
    const body: { by?: string; note?: string } = {};
    if (by) body.by = by;
    if (action !== 'ack' && note.trim()) body.note = note.trim();
    try {
      props.onUpdate(await incidentApi.lifecycle(incident.id, action, body));
      setNote('');
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="section respond" aria-label="Respond">
      <form class="form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Your name
          <input
            data-testid="responder-name"
            name="responder"
            autocomplete="name"
            value={props.name}
            placeholder="who is responding"
            onInput={(e) => props.setName(e.currentTarget.value)}
          />
        </label>
        <label>
          Note (mitigate, resolve)
          <input data-testid="lifecycle-note" name="note" size={32} value={note} placeholder="e.g. rolled back to 1.4.2" onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        {(['ack', 'mitigate', 'resolve'] as const).map((action) => (
          <button
            key={action}
            type="button"
            class={action === 'resolve' ? 'btn btn-primary' : 'btn'}
            data-testid={TEST_IDS[action]}
            disabled={!allowed[action] || busy !== null}
            title={allowed[action] ? undefined : `not possible while ${incident.status}`}
            onClick={() => void run(action)}
          >
            {busy === action ? `${LABELS[action]}…` : LABELS[action]}
          </button>
        ))}
      </form>
      {error && (
        <p class="error-text" role="alert" data-testid="lifecycle-error">
          {error}
        </p>
      )}
    </section>
  );
}

const MAX_TEXT = 2000;

/** The action items, each with a box to mark it done, and the form that adds one. */
export function ActionItems(props: { incident: Incident; onUpdate: (card: Incident) => void; name: string }) {
  const { incident } = props;
  const [text, setText] = useState('');
  const [owner, setOwner] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) {
      setError('Write what is to be done first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: { text: string; owner?: string } = { text: text.trim() };
      if (owner.trim()) body.owner = owner.trim();
      props.onUpdate(await incidentApi.addActionItem(incident.id, body));
      setText('');
      setOwner('');
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = async (itemId: string, done: boolean) => {
    setError(null);
    try {
      const body: { done: boolean; by?: string } = { done };
      if (props.name.trim()) body.by = props.name.trim();
      props.onUpdate(await incidentApi.setActionItemDone(incident.id, itemId, body));
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <section class="section" aria-labelledby="action-items-h">
      <h2 id="action-items-h">Action items</h2>
      {incident.actionItems.length === 0 ? (
        <p class="muted" data-testid="action-items">No action items yet.</p>
      ) : (
        <ul class="action-items" data-testid="action-items">
          {incident.actionItems.map((item) => (
            <li key={item.id} data-testid="action-item" data-id={item.id} class={item.done ? 'done' : undefined}>
              <label>
                <input
                  type="checkbox"
                  data-testid="action-item-done"
                  checked={item.done === true}
                  disabled={item.done === undefined}
                  title={item.done === undefined ? 'this server cannot mark action items done yet' : item.done ? 'mark not done' : 'mark done'}
                  onChange={(e) => void toggle(item.id, e.currentTarget.checked)}
                />{' '}
                <span class="action-text">{item.text}</span>
              </label>
              {item.owner && <span class="pill">{item.owner}</span>}{' '}
              <span class="muted small">
                added <Ago at={item.createdAt} />
                {item.done && item.doneAt && (
                  <>
                    {' '}· done <Ago at={item.doneAt} />
                    {item.doneBy ? ` by ${item.doneBy}` : ''}
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form class="form" onSubmit={(e) => void add(e)} aria-label="Add an action item">
        <label class="grow">
          New action item
          <input
            data-testid="action-item-text"
            name="text"
            value={text}
            maxLength={MAX_TEXT}
            placeholder="e.g. add a canary stage for order"
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <label>
          Owner (optional)
          <input data-testid="action-item-owner" name="owner" value={owner} onInput={(e) => setOwner(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn" data-testid="action-item-add" disabled={busy}>
          Add
        </button>
      </form>
      {error && (
        <p class="error-text" role="alert" data-testid="action-item-error">
          {error}
        </p>
      )}
    </section>
  );
}
