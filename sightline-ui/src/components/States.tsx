import type { ComponentChildren } from 'preact';

/** The shared loading, empty and error states every view shows instead of a blank page. */
export function Loading({ what }: { what: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <div class="state state-empty" data-testid="empty">
      {children}
    </div>
  );
}

export function ErrorBox({ message }: { message: string }) {
  return (
    <div class="state state-error" role="alert" data-testid="error">
      <strong>Could not load this.</strong> {message}
    </div>
  );
}

/** Renders the error, the loading state (only before any data) or the content. */
export function Loaded<T>(props: {
  state: { data: T | undefined; error: string | undefined; loading: boolean };
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error } = props.state;
  if (error) return <ErrorBox message={error} />;
  if (data === undefined) return <Loading what={props.what} />;
  return <>{props.children(data)}</>;
}
