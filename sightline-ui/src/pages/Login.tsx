import { useEffect, useState } from 'preact/hooks';
import { ApiError, getSession, safeNext, signIn, signOut, type Session } from '../api/client';
import { Link } from '../components/Link';
import { ErrorBox, Loading } from '../components/States';
import { usePage } from '../lib/pageContext';
import { navigate } from '../lib/router';

/**
 * `/login?next=PATH`: sign in with an API token (`sightline token create --role read`); the server
 * answers with an HttpOnly session cookie, and the page goes back to `next`. Signed in, it says as
 * whom and offers to sign out; without authentication on the server there is nothing to do.
 */
export function Login() {
  const { location } = usePage();
  const next = safeNext(location.params.get('next'));
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    getSession(abort.signal).then(setSession, (e: unknown) => {
      if (!(e instanceof DOMException)) setError(e instanceof Error ? e.message : String(e));
    });
    return () => abort.abort();
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
      navigate(next);
    } catch (x) {
      setError(
        x instanceof ApiError && x.status === 401
          ? 'That token is not valid, or it was revoked. Check it, or ask an administrator for a new one.'
          : x instanceof Error
            ? x.message
            : String(x),
      );
    } finally {
      setBusy(false);
    }
  }

  async function logout() {
    try {
      await signOut();
      setSession(null);
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x));
    }
  }

  if (session === undefined && !error) return <Loading what="the session" />;
  if (session && session.auth === false) {
    return (
      <p data-testid="auth-off">
        This server runs without authentication (it listens on this machine only): there is nothing to sign in to.{' '}
        <Link href={next}>Continue</Link>.
      </p>
    );
  }
  if (session && session.auth) {
    return (
      <div data-testid="signed-in">
        <p>
          Signed in with token <code>{session.name || session.tokenId}</code> of tenant <strong>{session.tenant}</strong>{' '}
          (roles: {session.roles.join(', ')}).
        </p>
        <p>
          <Link href={next}>Continue</Link>{' '}
          <button type="button" class="btn" onClick={logout} data-testid="sign-out">
            Sign out
          </button>
        </p>
        {error && <ErrorBox message={error} />}
      </div>
    );
  }
  return (
    <form class="form" onSubmit={submit} data-testid="login-form">
      <label>
        API token
        <input
          type="password"
          name="token"
          autocomplete="off"
          required
          size={50}
          placeholder="sl_…"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          data-testid="token"
        />
      </label>
      <button type="submit" class="btn btn-primary" disabled={busy || token.trim() === ''}>
        Sign in
      </button>
      <p style={{ flexBasis: '100%', color: 'var(--fg-muted)' }}>
        An administrator creates tokens with <code>sightline token create --auth-file FILE --tenant NAME --role read</code>.
        The browser keeps only an HttpOnly session cookie (never the token); it ends after 12 hours without use.
      </p>
      {error && <ErrorBox message={error} />}
    </form>
  );
}
