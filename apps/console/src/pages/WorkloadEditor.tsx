import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { ApiError, get, messageOf, send, type InvalidParam } from '../api.ts';
import { Loaded, useLoad } from '../load.tsx';
import { href, navigate } from '../router.ts';
import { canOperate, useMe } from '../session.ts';
import {
  type Body,
  bodyToForm,
  type FieldKey,
  formProblems,
  formToBody,
  type FormState,
  newWorkloadBody,
  readYaml,
  reasonsByField,
  type Scheduling,
  toYaml,
} from '../workload-form.ts';

/** A workload as GET answers it: what the editor needs of it. */
interface WorkloadView {
  readonly metadata: { readonly namespace: string; readonly name: string; readonly version: string };
  readonly spec: Body;
}

type Target = { readonly namespace: string; readonly name: string };
type Mode = 'form' | 'yaml';

const workloadPath = ({ namespace, name }: Target): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}/workloads/${encodeURIComponent(name)}`;

const isBody = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where the editor starts: the body, and its form (or why the form cannot show it). */
interface Start {
  readonly body: Body;
  readonly form?: FormState;
  readonly note?: string;
}

function startOf(body: Body): Start {
  const read = bodyToForm(body);
  return 'form' in read ? { body, form: read.form } : { body, note: cannotShow(read.reasons) };
}

const cannotShow = (reasons: readonly string[]): string => `The form cannot show this workload: ${reasons.join('; ')}. Edit it as YAML.`;

/**
 * Creates a workload (no `existing`) or replaces the spec of one, as a form or as the YAML of the
 * whole request body. A replace carries the version read (If-Match), so that a change made
 * meanwhile is refused (409) instead of overwritten.
 */
export function WorkloadEditor({ existing }: { existing?: { namespace: string; name: string } }) {
  const me = useMe();
  const tenants = me.identity.tenants ?? [];
  return (
    <section className="workload-editor" aria-labelledby="workload-editor-heading">
      <h1 id="workload-editor-heading" tabIndex={-1}>
        {existing ? `Edit workload ${existing.namespace}/${existing.name}` : 'New workload'}
      </h1>
      {!canOperate(me) ? (
        <p className="warning">You are signed in as a viewer: you can look at workloads, but not create or edit them.</p>
      ) : existing ? (
        <ExistingWorkload key={`${existing.namespace}/${existing.name}`} target={existing} tenants={tenants} />
      ) : (
        <Editor key="new" start={startOf(newWorkloadBody(tenants[0] ?? ''))} tenants={tenants} />
      )}
    </section>
  );
}

/** Reads the workload once (not again on live events, which would overwrite what is being typed). */
function ExistingWorkload({ target, tenants }: { target: Target; tenants: readonly string[] }) {
  const [load, reload, stale] = useLoad(() => get<WorkloadView>(workloadPath(target)), `${target.namespace}/${target.name}`, false);
  return (
    <Loaded load={load} what="workload" stale={stale}>
      {(view, at) => <Editor key={at.getTime()} start={startOf(view.spec)} tenants={tenants} target={target} version={view.metadata.version} onReload={reload} />}
    </Loaded>
  );
}

/** What the hub (or the form's own check) refused, and the body it was about. */
interface Refusal {
  readonly message: string;
  readonly params: readonly InvalidParam[];
  readonly body: Body;
  readonly conflict: boolean;
}

interface EditorProps {
  readonly start: Start;
  readonly tenants: readonly string[];
  readonly target?: Target;
  readonly version?: string;
  readonly onReload?: () => void;
}

function Editor({ start, tenants, target, version, onReload }: EditorProps) {
  const [mode, setMode] = useState<Mode>(start.form ? 'form' : 'yaml');
  const [form, setForm] = useState<FormState | undefined>(start.form);
  const [base, setBase] = useState<Body>(start.body);
  const [yaml, setYaml] = useState(() => toYaml(start.body));
  const [note, setNote] = useState(start.note);
  const [yamlError, setYamlError] = useState<string | undefined>(undefined);
  const [refusal, setRefusal] = useState<Refusal | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const yamlArea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (refusal) summary.current?.focus();
  }, [refusal]);

  /** Switches the mode, converting what is there; answers whether it switched. */
  function switchTo(next: Mode): boolean {
    if (next === mode) return true;
    if (next === 'yaml') {
      if (form) setYaml(toYaml(formToBody(form, base)));
      setMode('yaml');
      return true;
    }
    const read = readYaml(yaml);
    if (!read.ok) {
      setYamlError(read.message);
      return false;
    }
    if (!isBody(read.body)) {
      setYamlError('The YAML must be a mapping of the workload’s fields (name, namespace, tenant, manifests…).');
      return false;
    }
    const shown = bodyToForm(read.body);
    if (!('form' in shown)) {
      setNote(cannotShow(shown.reasons));
      return false;
    }
    setBase(read.body);
    setForm(shown.form);
    setNote(undefined);
    setYamlError(undefined);
    setMode('form');
    return true;
  }

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>): void {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next: Mode = event.key === 'Home' ? 'form' : event.key === 'End' ? 'yaml' : mode === 'form' ? 'yaml' : 'form';
    if (switchTo(next)) document.getElementById(`wl-tab-${next}`)?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let body: Body;
    if (mode === 'form') {
      if (!form) return;
      body = formToBody(form, base);
      const problems = formProblems(form);
      if (problems.length > 0) {
        setRefusal({ message: 'fields need a change', params: problems, body, conflict: false });
        return;
      }
    } else {
      const read = readYaml(yaml);
      if (!read.ok) {
        setYamlError(read.message);
        yamlArea.current?.focus();
        return;
      }
      setYamlError(undefined);
      body = read.body as Body;
    }
    setSaving(true);
    try {
      const view = target
        ? await send<WorkloadView>('PUT', workloadPath(target), body, { 'if-match': `"${version ?? ''}"` })
        : await send<WorkloadView>('POST', '/api/v1/workloads', body);
      navigate({ page: 'workload', namespace: view.metadata.namespace, name: view.metadata.name });
    } catch (error) {
      setSaving(false);
      const params = error instanceof ApiError ? error.invalidParams : [];
      const conflict = target !== undefined && error instanceof ApiError && error.isStaleWrite;
      setRefusal({ message: messageOf(error), params, body: isBody(body) ? body : {}, conflict });
    }
  }

  const reasons = refusal && mode === 'form' ? reasonsByField(refusal.params, refusal.body) : {};
  const update = (key: FieldKey, value: string): void => setForm((current) => current && { ...current, [key]: value });
  const cancel = target ? href({ page: 'workload', ...target }) : href({ page: 'workloads' });

  return (
    <form className="editor" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="workload-editor-heading">
      {refusal && <Summary refusal={refusal} editing={target !== undefined} onReload={onReload} ref={summary} />}
      <div role="tablist" aria-label="Edit as" className="editor-tabs">
        {(['form', 'yaml'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`wl-tab-${tab}`}
            aria-selected={mode === tab}
            aria-controls="wl-panel"
            tabIndex={mode === tab ? 0 : -1}
            onClick={() => switchTo(tab)}
            onKeyDown={onTabKey}
          >
            {tab === 'form' ? 'Form' : 'YAML'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="wl-panel" aria-labelledby={`wl-tab-${mode}`} className="editor-panel">
        {note !== undefined && <p className="warning">{note}</p>}
        {mode === 'form' && form ? (
          <FormFields form={form} reasons={reasons} tenants={tenants} editing={target !== undefined} update={update} />
        ) : (
          <div className="field">
            <label htmlFor="wl-yaml">Workload YAML</label>
            <p id="wl-yaml-hint" className="hint">
              The whole request body: name, namespace, tenant, manifests, placement… (docs/workloads.md), one YAML document.
            </p>
            <textarea
              id="wl-yaml"
              ref={yamlArea}
              value={yaml}
              onChange={(event) => {
                setYaml(event.target.value);
                setYamlError(undefined);
              }}
              rows={24}
              spellCheck={false}
              aria-invalid={yamlError !== undefined ? true : undefined}
              aria-describedby={yamlError !== undefined ? 'wl-yaml-hint wl-yaml-error' : 'wl-yaml-hint'}
            />
            {yamlError !== undefined && (
              <p id="wl-yaml-error" className="error field-error" role="alert">
                {yamlError}
              </p>
            )}
          </div>
        )}
      </div>
      <p className="editor-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : target ? 'Save changes' : 'Create workload'}
        </button>
        <a href={cancel}>Cancel</a>
      </p>
    </form>
  );
}

/** The refusal at the top: every refused field (those the form shows also stand next to their field). */
function Summary({ refusal, editing, onReload, ref }: { refusal: Refusal; editing: boolean; onReload: (() => void) | undefined; ref: Ref<HTMLDivElement> }) {
  return (
    <div role="alert" className="error editor-summary" tabIndex={-1} ref={ref}>
      {refusal.conflict ? (
        <>
          <p>
            <strong>This workload was changed by someone else since you opened it</strong>, so your changes were not saved ({refusal.message}).
          </p>
          <p>
            Reload to edit the latest version (what you changed here is replaced: copy it from the YAML tab first if you need it).{' '}
            {onReload && (
              <button type="button" onClick={onReload}>
                Reload the workload
              </button>
            )}
          </p>
        </>
      ) : (
        <p>
          {editing ? 'The changes were not saved' : 'The workload was not created'}:{' '}
          {refusal.params.length === 0 ? refusal.message : refusal.params.length === 1 ? '1 field needs a change.' : `${refusal.params.length} fields need a change.`}
        </p>
      )}
      {refusal.params.length > 0 && (
        <ul>
          {refusal.params.map((param) => (
            <li key={`${param.name} ${param.reason}`}>
              <code>{param.name}</code> {param.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const PRIORITY_CLASSES = ['system-critical', 'critical', 'high', 'normal', 'low', 'best-effort'];

const SCHEDULINGS: readonly { value: Scheduling; label: string }[] = [
  { value: 'Duplicated', label: 'Duplicated: every cluster runs all replicas' },
  { value: 'Weighted', label: 'Divided by weight' },
  { value: 'AvailableCapacity', label: 'Divided by available capacity' },
];

interface FieldsProps {
  readonly form: FormState;
  readonly reasons: Partial<Record<FieldKey, string[]>>;
  readonly tenants: readonly string[];
  readonly editing: boolean;
  readonly update: (key: FieldKey, value: string) => void;
}

/** The ARIA of a field: its hint and, when refused, its reasons. */
function described(key: FieldKey, reasons: FieldsProps['reasons'], hint: boolean) {
  const refused = reasons[key] !== undefined;
  const ids = [hint ? `wl-${key}-hint` : '', refused ? `wl-${key}-error` : ''].filter((id) => id !== '');
  return { 'aria-invalid': refused ? true : undefined, 'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined };
}

/** A labelled control with its hint and the hub's reasons for it. */
function Field({ id, label, hint, refused, children }: { id: FieldKey; label: string; hint?: string | undefined; refused: readonly string[] | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={`wl-${id}`}>{label}</label>
      {children}
      {hint !== undefined && (
        <p id={`wl-${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {refused !== undefined && (
        <p id={`wl-${id}-error`} className="error field-error">
          {refused.join('; ')}
        </p>
      )}
    </div>
  );
}

function FormFields({ form, reasons, tenants, editing, update }: FieldsProps) {
  const input = (key: FieldKey, label: string, hint?: string, extra: { type?: string; readOnly?: boolean; list?: string; placeholder?: string } = {}) => (
    <Field id={key} label={label} hint={hint} refused={reasons[key]}>
      <input id={`wl-${key}`} value={form[key]} onChange={(event) => update(key, event.target.value)} {...extra} {...described(key, reasons, hint !== undefined)} />
    </Field>
  );
  const tenantOptions = form.tenant === '' || tenants.includes(form.tenant) ? tenants : [...tenants, form.tenant];
  return (
    <>
      <fieldset>
        <legend>Workload</legend>
        {input('name', 'Name', editing ? 'A workload is addressed by its namespace and name; they cannot change.' : 'Lower case letters, digits and dashes.', { readOnly: editing })}
        {input('namespace', 'Namespace', editing ? undefined : 'Created on the members when missing.', { readOnly: editing })}
        {tenants.length > 0 ? (
          <Field id="tenant" label="Tenant" hint={editing ? 'A workload’s tenant cannot change.' : undefined} refused={reasons.tenant}>
            <select id="wl-tenant" value={form.tenant} onChange={(event) => update('tenant', event.target.value)} disabled={editing} {...described('tenant', reasons, editing)}>
              {tenantOptions.map((tenant) => (
                <option key={tenant} value={tenant}>
                  {tenant}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          input('tenant', 'Tenant', undefined, { readOnly: editing })
        )}
        {input('priority', 'Priority', `An integer (higher goes first) or ${PRIORITY_CLASSES.join(', ')}; empty for normal.`, { list: 'wl-priority-classes' })}
        <datalist id="wl-priority-classes">
          {PRIORITY_CLASSES.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </fieldset>
      <fieldset>
        <legend>Deployment</legend>
        {input('image', 'Container image', 'For example registry.example/web:1.28.')}
        {input('replicas', 'Replicas', 'In all, or on each cluster when duplicated.', { type: 'number' })}
        {input('port', 'Container port', 'Optional.', { type: 'number' })}
      </fieldset>
      <fieldset>
        <legend>Placement</legend>
        <fieldset className="choices">
          <legend>Replica scheduling</legend>
          {SCHEDULINGS.map(({ value, label }) => (
            <label key={value}>
              <input type="radio" name="wl-scheduling" value={value} checked={form.scheduling === value} onChange={() => update('scheduling', value)} {...described('scheduling', reasons, false)} /> {label}
            </label>
          ))}
          {reasons.scheduling !== undefined && (
            <p id="wl-scheduling-error" className="error field-error">
              {reasons.scheduling.join('; ')}
            </p>
          )}
        </fieldset>
        {form.scheduling === 'Weighted' && input('weights', 'Cluster weights', 'cluster=weight pairs, comma-separated, e.g. east-1=2, west-1=1.')}
        {input('zoneSpreadMin', 'Zone spread minimum', 'Run in at least this many zones; empty for no minimum.', { type: 'number' })}
        {input('zones', 'Cluster zones', 'Only clusters in these zones, comma-separated; empty for every zone.')}
      </fieldset>
      <p className="hint">Labels, overrides, failover and other placement rules are kept as they are; edit them in YAML.</p>
    </>
  );
}
