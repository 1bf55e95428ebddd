import { ReadyReason, type ProbeOutcome } from '../../../../libs/health/src/index.ts';
import { describeTransportError, type MemberClient, type MemberResponse } from './member-http.ts';

/**
 * Attempts per readiness check. A later attempt starts when the one before has failed at
 * transport level, or has not answered within a quarter of the timeout ("hedging"); the
 * first HTTP answer wins and the others are aborted.
 */
export const READINESS_ATTEMPTS = 3;

const SETTLED = new Error('the readiness check has its answer');

/** What a failing `/readyz` lists (it answers verbosely when a check fails): "[-]etcd failed: reason withheld". */
function failedChecks(body: string): string {
  const failed = body
    .split('\n')
    .filter((line) => line.startsWith('[-]'))
    .map((line) => line.slice(3).trim());
  if (failed.length > 0) return failed.slice(0, 5).join('; ');
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** GET /readyz, or /healthz on servers without /readyz (404). */
async function readyz(client: MemberClient, signal: AbortSignal, fresh: boolean): Promise<MemberResponse & { path: string }> {
  const answer = await client.get('/readyz', signal, { fresh });
  if (answer.status !== 404) return { ...answer, path: '/readyz' };
  return { ...(await client.get('/healthz', signal, { fresh })), path: '/healthz' };
}

function outcomeOf(answer: MemberResponse & { path: string }): ProbeOutcome {
  if (answer.status === 200) return { kind: 'success', message: `${answer.path}: ok` };
  if (answer.status === 401 || answer.status === 403) {
    return { kind: 'failure', reason: ReadyReason.Unauthorized, message: `${answer.path} answered ${answer.status}: the API server refused the hub's credentials` };
  }
  const detail = failedChecks(answer.body);
  return { kind: 'failure', reason: ReadyReason.NotReady, message: `${answer.path} answered ${answer.status}${detail === '' ? '' : `: ${detail}`}` };
}

export interface ReadinessCheck {
  readonly outcome: ProbeOutcome;
  /** Connections tried: more than one means a connection failed or was slow to answer. */
  readonly attempts: number;
}

/**
 * Asks the API server whether it is ready, within `timeoutMs`, with up to {@link READINESS_ATTEMPTS}
 * attempts: the first over the client's pooled connection, the others each on a fresh one. One
 * lost connection (a dropped SYN, a black-holed link) costs a quarter of the timeout instead of
 * the whole probe, so connection loss that a retrying client would ride over is not reported as
 * a failure; a dead or hung server still fails every attempt. `signal` aborts everything (the
 * prober is stopping).
 */
export async function checkReadiness(client: MemberClient, timeoutMs: number, signal: AbortSignal): Promise<ReadinessCheck> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const hedgeAfterMs = Math.max(1, Math.floor(timeoutMs / (READINESS_ATTEMPTS + 1)));
  const attempts: AbortController[] = [];
  const errors: unknown[] = [];

  return new Promise<ReadinessCheck>((resolve) => {
    let settled = false;
    let pending = 0;
    let hedgeTimer: NodeJS.Timeout | undefined;

    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(hedgeTimer);
      deadline.removeEventListener('abort', onDeadline);
      // A given reason spares the DOMException (and its stack) that abort() would build.
      for (const attempt of attempts) if (!attempt.signal.aborted) attempt.abort(SETTLED);
      resolve({ outcome, attempts: attempts.length });
    };
    const failWithErrors = (): void => {
      const described = [...new Set(errors.map(describeTransportError))].join('; ');
      finish({ kind: 'failure', reason: ReadyReason.Unreachable, message: `${described} (${errors.length} attempt${errors.length === 1 ? '' : 's'})` });
    };
    const onDeadline = (): void => {
      if (errors.length > 0 && pending === 0) {
        failWithErrors();
        return;
      }
      finish({
        kind: 'failure',
        reason: ReadyReason.Timeout,
        message: `no answer within ${timeoutMs} ms (${attempts.length} attempt${attempts.length === 1 ? '' : 's'}${errors.length > 0 ? `; ${[...new Set(errors.map(describeTransportError))].join('; ')}` : ''})`,
      });
    };
    const launch = (): void => {
      if (settled || deadline.aborted || attempts.length >= READINESS_ATTEMPTS) return;
      const controller = new AbortController();
      attempts.push(controller);
      pending += 1;
      clearTimeout(hedgeTimer);
      hedgeTimer = setTimeout(launch, hedgeAfterMs);
      readyz(client, AbortSignal.any([deadline, controller.signal]), attempts.length > 1).then(
        (answer) => finish(outcomeOf(answer)),
        (error: unknown) => {
          pending -= 1;
          if (settled || deadline.aborted) return;
          errors.push(error);
          if (attempts.length < READINESS_ATTEMPTS) launch();
          else if (pending === 0) failWithErrors();
        },
      );
    };

    if (deadline.aborted) {
      onDeadline();
      return;
    }
    deadline.addEventListener('abort', onDeadline, { once: true });
    launch();
  });
}
