/**
 * What the API server's answer to a dry-run apply means for the merge, in Ferry's words (pure): the
 * `Status` of a refused request → one finding's severity, message and the field it points at.
 * Wording of the server's messages: k8s.io/apimachinery api/errors, apiserver admission plugins
 * (webhook `ToStatusErr`, `NewDryRunUnsupportedErr`, ResourceQuota `checkRequest`), and the
 * structured-merge-diff conflict Status of server-side apply.
 */
import type { Severity } from '../types.ts';

export interface RefusalStatus {
  /** HTTP code; 0 when the server was not reached. */
  code: number;
  reason: string;
  message: string;
  causes: { reason?: string; message?: string; field?: string }[];
}

export interface Refusal {
  severity: Severity;
  message: string;
  /** The field the server names, as path segments (`['spec', 'template']`), when it names one. */
  field?: (string | number)[];
}

/** `spec.template.spec.containers[0].image` or `.spec.replicas` → path segments. */
export function parseFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.replace(/^\./, '').split('.')) {
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[([^\]]*)\]/g)) {
      const i = idx[1] ?? '';
      // `[name=api]` or `k:{...}` selectors have no position in the manifest: stop at the list.
      if (/^\d+$/.test(i)) out.push(Number(i));
      else return out;
    }
  }
  return out;
}

/** The first field the Status names: a cause's field, else `is invalid: FIELD: ...` in the message. */
function fieldOf(status: RefusalStatus): (string | number)[] | undefined {
  const cause = status.causes.find((c) => c.field);
  if (cause?.field) return parseFieldPath(cause.field);
  const m = /is invalid: \[?([A-Za-z][\w.[\]-]*): /.exec(status.message);
  return m?.[1] ? parseFieldPath(m[1]) : undefined;
}

/** The part of a Status message after the object's identity (`jobs.batch "x" is forbidden: `). */
function tail(message: string): string {
  return message.replace(/^[\w.-]+(?: "[^"]*")? is (?:forbidden|invalid): /, '');
}

function field(status: RefusalStatus): { field?: (string | number)[] } {
  const f = fieldOf(status);
  return f && f.length > 0 ? { field: f } : {};
}

/** Fields and managers of a server-side apply conflict (409). */
export function parseConflicts(status: RefusalStatus): { fields: string[]; managers: string[] } {
  const fields: string[] = [];
  const managers = new Set<string>();
  for (const c of status.causes) {
    if (c.field) fields.push(c.field.replace(/^\./, ''));
    const m = /conflicts? with "([^"]+)"/.exec(c.message ?? '');
    if (m?.[1]) managers.add(m[1]);
  }
  if (managers.size === 0)
    for (const m of status.message.matchAll(/conflicts? with "([^"]+)"/g)) if (m[1]) managers.add(m[1]);
  if (fields.length === 0)
    for (const m of status.message.matchAll(/(?:^|\s|: )\.([A-Za-z][\w.[\]=:{}"-]*)/g))
      if (m[1]) fields.push(m[1]);
  return { fields, managers: [...managers] };
}

/**
 * A refused dry-run apply → the finding. `namespaceIsNew`: the namespace is created by the same
 * revision (the deploy creates it first, so the object cannot be checked yet, but is not refused).
 * `recreate`: the object opts into delete-and-recreate on an immutable-field change.
 */
export function describeRefusal(
  status: RefusalStatus,
  context: { namespace: string; namespaceIsNew: boolean; recreate: boolean },
): Refusal {
  const { code, message } = status;
  const webhook = /admission webhook "([^"]+)" (denied the request|does not support dry run)/.exec(message);
  if (webhook && webhook[2] === 'does not support dry run') {
    return {
      severity: 'warning',
      message: `not checked: webhook ${webhook[1]} has side effects and cannot dry-run`,
    };
  }
  if (webhook) {
    const said = message.slice(message.indexOf(webhook[0]) + webhook[0].length).replace(/^: /, '');
    return {
      severity: 'error',
      message: `merging will fail: admission webhook ${webhook[1]} refuses it${said && !said.startsWith(' without') ? `: ${said}` : ''}`,
      ...field(status),
    };
  }
  if (code === 403 && /exceeded quota: /.test(message)) {
    const quota = /exceeded quota: ([^,]+), requested: ([^ ]+), used: ([^ ]+), limited: (\S+)/.exec(message);
    return {
      severity: 'error',
      message: quota
        ? `merging will fail: it exceeds the quota ${quota[1]} of its namespace (requested ${quota[2]}, used ${quota[3]}, limited ${quota[4]})`
        : `merging will fail: it exceeds a quota of its namespace`,
    };
  }
  if (code === 403) {
    return { severity: 'error', message: `merging will fail: the agent may not write it (${tail(message)})` };
  }
  if (code === 404 && /^namespaces "[^"]+" not found/.test(message)) {
    return context.namespaceIsNew
      ? { severity: 'info', message: 'not checked: its namespace is new in this revision' }
      : {
          severity: 'error',
          message: `merging will fail: the namespace ${context.namespace} does not exist and this revision does not create it`,
        };
  }
  if (code === 422 && status.causes.some((c) => /immutable|Forbidden: updates to/i.test(c.message ?? ''))) {
    const f = fieldOf(status);
    const name = f
      ? f
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[')
      : 'a field';
    return context.recreate
      ? {
          severity: 'warning',
          message: `merging will delete and recreate it: ${name} cannot change in place (ferry.dev/recreate: enabled)`,
          ...field(status),
        }
      : {
          severity: 'error',
          message: `merging will fail: the cluster refuses to change ${name}, which is immutable (add the annotation ferry.dev/recreate: enabled to let Ferry delete and recreate it)`,
          ...field(status),
        };
  }
  if (code === 0 || code === 429 || code >= 500) {
    return {
      severity: 'warning',
      message: `not checked: the API server did not answer (${code === 0 ? status.reason : `HTTP ${code}`})`,
    };
  }
  return {
    severity: 'error',
    message: `merging will fail: the cluster refuses it: ${tail(message).split('\n')[0]}`,
    ...field(status),
  };
}
