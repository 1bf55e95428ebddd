import { useEffect, useState } from 'react';
import { fetchMe, logOut, type Me } from './api.ts';
import { FleetOverview } from './FleetOverview.tsx';

type Session = { state: 'loading' } | { state: 'anonymous' } | { state: 'in'; me: Me } | { state: 'error'; message: string };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [loggingOut, setLoggingOut] = useState(false);

  useEffect(() => {
    fetchMe().then(
      (me) => setSession(me === null ? { state: 'anonymous' } : { state: 'in', me }),
      (error: unknown) => setSession({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  async function onLogOut(me: Me): Promise<void> {
    setLoggingOut(true);
    try {
      window.location.assign(await logOut(me.csrfToken));
    } catch (error) {
      setLoggingOut(false);
      setSession({ state: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <>
      <header className="top">
        <span className="brand">Flotilla</span>
        {session.state === 'in' && (
          <div className="user" aria-label="Signed-in user">
            <span>{session.me.identity.email ?? session.me.identity.subject}</span>
            <span className="role">{session.me.identity.role ?? 'no role'}</span>
            <button type="button" onClick={() => void onLogOut(session.me)} disabled={loggingOut}>
              Log out
            </button>
          </div>
        )}
      </header>
      <main>
        {session.state === 'loading' && <p role="status">Loading…</p>}
        {session.state === 'error' && (
          <p role="alert" className="error">
            The hub could not be reached: {session.message}
          </p>
        )}
        {session.state === 'anonymous' && (
          <section className="login" aria-labelledby="login-heading">
            <h1 id="login-heading">Flotilla console</h1>
            <p>Log in with your organisation's account to see the fleet.</p>
            <a className="button" href="/auth/login?returnTo=/">
              Log in
            </a>
          </section>
        )}
        {session.state === 'in' && <FleetOverview />}
      </main>
    </>
  );
}
