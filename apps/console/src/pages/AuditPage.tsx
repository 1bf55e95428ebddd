import { useState } from 'react';
import { get } from '../api.ts';
import { Loaded, ShowOlder, useLoad, usePaged } from '../load.tsx';
import { isAdmin, useMe } from '../session.ts';

interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly actor: { subject: string; email?: string };
  readonly action: string;
  readonly target: { kind: string; name: string };
  readonly outcome: 'Succeeded' | 'Denied' | 'Failed';
  readonly status?: number;
  readonly message?: string;
}

interface Verdict {
  readonly ok: boolean;
  readonly checked: number;
  readonly head?: number;
  readonly firstBroken?: { seq: number; reason: string };
}

const OUTCOMES = ['Succeeded', 'Denied', 'Failed'] as const;

function ChainStatus() {
  // The whole chain is checked on every read: not on every live event.
  const [load, reload] = useLoad(() => get<Verdict>('/api/v1/audit/verify'), 'audit-verify', false);
  return (
    <div className="chain">
      <Loaded load={load} what="chain verification">
        {(verdict, at) =>
          verdict.ok ? (
            <p className="ok" role="status">
              Chain verified: {verdict.checked} records intact{verdict.head === undefined ? '' : ` up to #${verdict.head}`} (checked {at.toLocaleTimeString()}).
            </p>
          ) : (
            <p className="error" role="alert">
              Chain broken at record #{verdict.firstBroken?.seq}: {verdict.firstBroken?.reason}
            </p>
          )
        }
      </Loaded>
      <button type="button" onClick={reload}>
        Verify again
      </button>
    </div>
  );
}

/** The tamper-evident audit trail (admins only): who did what, with the chain's verdict. */
export function AuditPage() {
  const me = useMe();
  const [actor, setActor] = useState('');
  const [outcome, setOutcome] = useState('');
  const paged = usePaged<AuditRecord>('/api/v1/audit', { actor: actor.trim(), outcome }, `audit:${actor.trim()}:${outcome}`, (r) => String(r.seq));

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading" tabIndex={-1}>
        Audit log
      </h1>
      {!isAdmin(me) ? (
        <p className="empty">The audit log is for admins; your role is {me.identity.role ?? 'none'}.</p>
      ) : (
        <>
          <ChainStatus />
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter audit records">
            <label>
              Actor <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="subject" />
            </label>
            <label>
              Outcome{' '}
              <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                <option value="">All</option>
                {OUTCOMES.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </label>
          </form>
          <Loaded load={paged.load} what="audit records" stale={paged.stale}>
            {(records) =>
              records.length === 0 ? (
                <p className="empty">No audit records match.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Time</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Action</th>
                      <th scope="col">Target</th>
                      <th scope="col">Outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {records.map((r) => (
                      <tr key={r.seq} className={`outcome-${r.outcome.toLowerCase()}`}>
                        <td>{r.seq}</td>
                        <td>
                          <time dateTime={r.time}>{new Date(r.time).toLocaleString()}</time>
                        </td>
                        <td>{r.actor.email ?? r.actor.subject}</td>
                        <td>
                          <code>{r.action}</code>
                          {r.message !== undefined && <div className="message">{r.message}</div>}
                        </td>
                        <td>
                          {r.target.kind} {r.target.name}
                        </td>
                        <td>
                          {r.outcome}
                          {r.status === undefined ? '' : ` (${r.status})`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Loaded>
          <ShowOlder paged={paged} what="records" />
        </>
      )}
    </section>
  );
}
