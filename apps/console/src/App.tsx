import { useEffect, useState } from 'react';
import { fetchMe, logOut, messageOf, setCsrfToken, type Me } from './api.ts';
import { LiveFeed, LiveIndicator } from './live.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { ClusterPage } from './pages/ClusterPage.tsx';
import { EventsPage } from './pages/EventsPage.tsx';
import { FleetOverview } from './pages/FleetOverview.tsx';
import { QueuesPage } from './pages/QueuesPage.tsx';
import { WorkloadEditor } from './pages/WorkloadEditor.tsx';
import { WorkloadPage } from './pages/WorkloadPage.tsx';
import { WorkloadsPage } from './pages/WorkloadsPage.tsx';
import { href, useRoute, type Route } from './router.ts';
import { SessionContext } from './session.ts';

type Session = { state: 'loading' } | { state: 'anonymous' } | { state: 'in'; me: Me } | { state: 'error'; message: string };

const NAV: readonly { route: Route; label: string; section: Route['page'][] }[] = [
  { route: { page: 'overview' }, label: 'Fleet', section: ['overview', 'cluster'] },
  { route: { page: 'workloads' }, label: 'Workloads', section: ['workloads', 'workload', 'new-workload', 'edit-workload'] },
  { route: { page: 'events' }, label: 'Events', section: ['events'] },
  { route: { page: 'audit' }, label: 'Audit', section: ['audit'] },
  { route: { page: 'queues' }, label: 'Queues', section: ['queues'] },
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <FleetOverview />;
    case 'cluster':
      return <ClusterPage name={route.name} />;
    case 'workloads':
      return <WorkloadsPage />;
    case 'workload':
      return <WorkloadPage namespace={route.namespace} name={route.name} />;
    case 'new-workload':
      return <WorkloadEditor />;
    case 'edit-workload':
      return <WorkloadEditor existing={{ namespace: route.namespace, name: route.name }} />;
    case 'events':
      return <EventsPage />;
    case 'audit':
      return <AuditPage />;
    case 'queues':
      return <QueuesPage />;
    case 'not-found':
      return (
        <section aria-labelledby="not-found-heading">
          <h1 id="not-found-heading">No such page</h1>
          <p>
            Nothing is at <code>{route.path}</code>. <a href={href({ page: 'overview' })}>Back to the fleet</a>
          </p>
        </section>
      );
  }
}

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [loggingOut, setLoggingOut] = useState(false);
  const route = useRoute();

  useEffect(() => {
    fetchMe().then(
      (me) => {
        if (me !== null) setCsrfToken(me.csrfToken);
        setSession(me === null ? { state: 'anonymous' } : { state: 'in', me });
      },
      (error: unknown) => setSession({ state: 'error', message: messageOf(error) }),
    );
  }, []);

  useEffect(() => {
    // Focus moves to the new page's heading, so that keyboard and screen-reader users land there.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route]);

  async function onLogOut(me: Me): Promise<void> {
    setLoggingOut(true);
    try {
      window.location.assign(await logOut(me.csrfToken));
    } catch (error) {
      setLoggingOut(false);
      setSession({ state: 'error', message: messageOf(error) });
    }
  }

  const header = (
    <header className="top">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <span className="brand">Flotilla</span>
      {session.state === 'in' && (
        <>
          <nav aria-label="Console">
            <ul>
              {NAV.map((item) => (
                <li key={item.label}>
                  <a href={href(item.route)} aria-current={item.section.includes(route.page) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <LiveIndicator />
          <div className="user" aria-label="Signed-in user">
            <span>{session.me.identity.email ?? session.me.identity.subject}</span>
            <span className="role">{session.me.identity.role ?? 'no role'}</span>
            <button type="button" onClick={() => void onLogOut(session.me)} disabled={loggingOut}>
              Log out
            </button>
          </div>
        </>
      )}
    </header>
  );

  if (session.state === 'in') {
    return (
      <SessionContext value={session.me}>
        <LiveFeed>
          {header}
          <main id="main" tabIndex={-1}>
            <Page route={route} />
          </main>
        </LiveFeed>
      </SessionContext>
    );
  }
  return (
    <>
      {header}
      <main id="main" tabIndex={-1}>
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
            <a className="button" href={`/auth/login?returnTo=${encodeURIComponent(`/${window.location.hash}`)}`}>
              Log in
            </a>
          </section>
        )}
      </main>
    </>
  );
}
