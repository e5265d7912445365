import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  type ApiError,
  alreadyExists,
  badRequest,
  conflict,
  etcdRequestTooLarge,
  gone,
  invalid,
  notFound,
  type StatusCause,
} from './api-status.ts';
import { formatManagedFields, type ManagerEntry, recordUpdate } from './field-ownership.ts';
import type { ResourceType } from './resource-types.ts';
import { checkSchema } from './schema.ts';

export type Obj = Record<string, unknown>;

export interface StoredObject {
  type: ResourceType;
  /** Without managedFields; those are rendered from `managers`. */
  object: Obj;
  managers: ManagerEntry[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: WatchEventType;
  resource: string;
  object: Obj;
  previous: Obj | undefined;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Collected `Warning` headers (RFC 7234 format, as the API server sends them). */
  warnings: string[];
  /**
   * Validating admission (webhooks, quota), run after object validation and before anything is stored,
   * dry-run included; throws the refusal. Absent for the server's own writes (controllers, setup).
   */
  admit?: (attrs: {
    type: ResourceType;
    namespace: string;
    name: string;
    previous: Obj | undefined;
    next: Obj;
    subresource: '' | 'status';
  }) => void;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** apimachinery: TotalAnnotationSizeLimitB. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

export function resourceKeyOf(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

function metadataOf(obj: Obj): Obj {
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  return obj.metadata as Obj;
}

function validateMetadata(type: ResourceType, object: Obj): StatusCause[] {
  const meta = metadataOf(object);
  const causes: StatusCause[] = [];
  const name = String(meta.name ?? '');
  const pattern = type.nameFormat === 'label' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const max = type.nameFormat === 'label' ? 63 : 253;
  if (!pattern.test(name) || name.length > max) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${type.nameFormat} must consist of lower case alphanumeric characters, '-' or '.'`,
    });
  }
  const labels = (meta.labels ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(labels)) {
    if (!QUALIFIED_NAME.test(k) || (k.split('/').pop() ?? '').length > 63) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters`,
      });
    }
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (max 63)`,
      });
    }
  }
  const annotations = (meta.annotations ?? {}) as Record<string, unknown>;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    size += k.length + String(v).length;
    if (!QUALIFIED_NAME.test(k)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.annotations',
        message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters`,
      });
    }
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`,
    });
  }
  return causes;
}

function specOf(obj: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** Status subresource semantics: the main resource cannot change status, the status subresource only status. */
function withStatusRules(
  type: ResourceType,
  previous: StoredObject | undefined,
  opts: { next: Obj; subresource?: 'status'; name: string },
): Obj {
  const next = structuredClone(opts.next);
  if (opts.subresource === 'status') {
    if (!previous) throw notFound({ plural: type.plural, group: type.group, name: opts.name });
    const kept = structuredClone(previous.object);
    if (next.status === undefined) delete kept.status;
    else kept.status = next.status;
    return kept;
  }
  if (type.hasStatus) {
    if (previous?.object.status !== undefined) next.status = structuredClone(previous.object.status);
    else delete next.status;
  }
  return next;
}

/** Types and unknown fields: built-in decode errors are 400, CRD schema errors 422; Strict refuses unknown fields. */
function checkWriteSchema(type: ResourceType, name: string, next: Obj, write: WriteOptions): Obj {
  const schema = checkSchema(next, type.schema);
  if (schema.invalid.length > 0) {
    if (!type.builtIn) throw invalid({ kind: type.kind, group: type.group, name, causes: schema.invalid });
    const first = schema.invalid[0];
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: json: cannot unmarshal into Go struct field .${first?.field ?? ''}: ${first?.message ?? ''}`,
    );
  }
  if (schema.unknown.length > 0 && write.fieldValidation === 'Strict') {
    const list = schema.unknown.map((p) => `unknown field "${p.slice(1)}"`).join(', ');
    throw badRequest(
      type.builtIn
        ? `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`
        : `.${schema.unknown.map((p) => p.slice(1)).join(', .')}: field not declared in schema`,
    );
  }
  if (write.fieldValidation === 'Warn') {
    for (const p of schema.unknown) write.warnings.push(`299 - "unknown field \\"${p.slice(1)}\\""`);
  }
  return schema.value as Obj;
}

/** uid, creationTimestamp, generation (bumped on any change outside metadata and status), resourceVersion. */
function setServerMetadata(
  type: ResourceType,
  previous: StoredObject | undefined,
  next: Obj,
  now: string,
): void {
  const meta = metadataOf(next);
  if (!previous) {
    meta.uid = randomUUID();
    meta.creationTimestamp = now;
    delete meta.resourceVersion;
    if (type.hasGeneration) meta.generation = 1;
    return;
  }
  const prevMeta = metadataOf(previous.object);
  meta.uid = prevMeta.uid;
  meta.creationTimestamp = prevMeta.creationTimestamp;
  meta.resourceVersion = prevMeta.resourceVersion;
  if (prevMeta.deletionTimestamp) meta.deletionTimestamp = prevMeta.deletionTimestamp;
  if (type.hasGeneration) {
    const generation = Number(prevMeta.generation ?? 1);
    meta.generation = isDeepStrictEqual(specOf(previous.object), specOf(next)) ? generation : generation + 1;
  }
}

function isNoop(previous: StoredObject, next: Obj, managers: ManagerEntry[]): boolean {
  const untimed = (m: ManagerEntry[]) => formatManagedFields(m).map((e) => ({ ...e, time: '' }));
  return (
    isDeepStrictEqual(previous.object, next) &&
    isDeepStrictEqual(untimed(previous.managers), untimed(managers))
  );
}

/** In-memory objects, resource versions and the event history watches resume from. */
export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private rv = 1000;
  readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(
    private readonly historyLimit: number,
    /** etcd's `--max-request-bytes` (default 1.5 MiB): a write whose stored object is larger is refused. */
    private readonly etcdMaxRequestBytes = 1.5 * 1024 * 1024,
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resource version a watch may resume from. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].rv - 1 : this.rv;
  }

  compactHistory(): void {
    this.history.length = 0;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private key(type: ResourceType, namespace: string, name: string): string {
    return `${resourceKeyOf(type)}/${namespace}/${name}`;
  }

  get(type: ResourceType, namespace: string, name: string): StoredObject | undefined {
    return this.objects.get(this.key(type, namespace, name));
  }

  list(type: ResourceType, namespace?: string): StoredObject[] {
    const prefix = `${resourceKeyOf(type)}/`;
    const out: StoredObject[] = [];
    for (const [k, v] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (namespace !== undefined && String(metadataOf(v.object).namespace ?? '') !== namespace) continue;
      out.push(v);
    }
    return out.sort((a, b) => {
      const ma = metadataOf(a.object);
      const mb = metadataOf(b.object);
      return `${ma.namespace ?? ''}/${ma.name}`.localeCompare(`${mb.namespace ?? ''}/${mb.name}`);
    });
  }

  all(): StoredObject[] {
    return [...this.objects.values()];
  }

  /** The object as the API returns it, `apiVersion` set to the version it is read through. */
  render(stored: StoredObject, type: ResourceType = stored.type): Obj {
    const object = structuredClone(stored.object);
    object.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    object.kind = type.kind;
    const managed = formatManagedFields(stored.managers);
    if (managed.length > 0) metadataOf(object).managedFields = managed;
    return object;
  }

  hasNamespace(namespace: string): boolean {
    return this.objects.has(`/namespaces//${namespace}`);
  }

  private emit(event: Omit<StoreEvent, 'rv'> & { rv: number }): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit)
      this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of this.listeners) listener(event);
  }

  /**
   * The write pipeline every create/update/patch/apply goes through: schema (unknown fields, types),
   * metadata and kind validation, immutable fields, namespace existence, generation and resourceVersion
   * bookkeeping, no-op detection, dry-run, event. Returns the stored (or would-be) object.
   */
  write(opts: {
    type: ResourceType;
    namespace: string;
    name: string;
    next: Obj;
    managers: ManagerEntry[];
    /** Status subresource write: only `.status` of `next` is kept. */
    subresource?: 'status';
    /** Manager for a non-apply write (apply passes `managers` already computed). */
    updateManager?: string;
    write: WriteOptions;
  }): { stored: StoredObject; created: boolean; changed: boolean } {
    const { type, namespace, name } = opts;
    const previous = this.get(type, namespace, name);
    const next = checkWriteSchema(type, name, withStatusRules(type, previous, opts), opts.write);

    const meta = metadataOf(next);
    if (meta.name === undefined) meta.name = name;
    if (type.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    delete meta.managedFields;

    const causes = [...validateMetadata(type, next), ...(type.validate?.(next) ?? [])];
    if (previous && opts.subresource !== 'status')
      causes.push(...(type.immutable?.(previous.object, next) ?? []));
    if (causes.length > 0) throw invalid({ kind: type.kind, group: type.group, name, causes });
    if (!previous && type.namespaced && !this.hasNamespace(namespace)) {
      throw notFound({ plural: 'namespaces', group: '', name: namespace });
    }

    opts.write.admit?.({
      type,
      namespace,
      name,
      previous: previous?.object,
      next,
      subresource: opts.subresource ?? '',
    });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    setServerMetadata(type, previous, next, now);
    const managers = opts.updateManager
      ? recordUpdate({
          before: previous?.object,
          after: next,
          managers: opts.managers,
          manager: opts.updateManager,
          apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
          now,
          ...(opts.subresource ? { subresource: opts.subresource } : {}),
        })
      : opts.managers;

    // A write that changes nothing is not persisted and keeps the resourceVersion (real servers skip no-op updates).
    if (previous && isNoop(previous, next, managers))
      return { stored: previous, created: false, changed: false };
    const stored: StoredObject = { type, object: next, managers };
    if (opts.write.dryRun) return { stored, created: !previous, changed: true };
    // etcd counts the whole put (key and serialized value, managedFields included); a dry-run never
    // reaches it. The value here is the object as stored (JSON, as for custom resources).
    const key = `/registry/${this.key(type, namespace, name)}`;
    if (
      Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(this.render(stored))) >
      this.etcdMaxRequestBytes
    )
      throw etcdRequestTooLarge();
    this.rv++;
    meta.resourceVersion = String(this.rv);
    this.objects.set(this.key(type, namespace, name), stored);
    this.emit({
      rv: this.rv,
      type: previous ? 'MODIFIED' : 'ADDED',
      resource: resourceKeyOf(type),
      object: this.render(stored),
      previous: previous ? this.render(previous) : undefined,
    });
    return { stored, created: !previous, changed: true };
  }

  create(opts: {
    type: ResourceType;
    namespace: string;
    body: Obj;
    manager: string;
    write: WriteOptions;
  }): StoredObject {
    const meta = metadataOf(opts.body);
    if (!meta.name && typeof meta.generateName === 'string') {
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    if (!meta.name) {
      throw invalid({
        kind: opts.type.kind,
        group: opts.type.group,
        name: '',
        causes: [
          {
            reason: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ],
      });
    }
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    const name = String(meta.name);
    if (this.get(opts.type, opts.namespace, name)) {
      throw alreadyExists({ plural: opts.type.plural, group: opts.type.group, name });
    }
    return this.write({
      type: opts.type,
      namespace: opts.namespace,
      name,
      next: opts.body,
      managers: [],
      updateManager: opts.manager,
      write: opts.write,
    }).stored;
  }

  checkResourceVersion(stored: StoredObject, body: Obj): void {
    const wanted = metadataOf(body).resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== metadataOf(stored.object).resourceVersion) {
      throw conflict({
        plural: stored.type.plural,
        group: stored.type.group,
        name: String(metadataOf(stored.object).name),
        message:
          'the object has been modified; please apply your changes to the latest version and try again',
      });
    }
  }

  /** Removes an object (after finalizers) and cascades to dependents per the propagation policy. */
  remove(opts: { stored: StoredObject; propagationPolicy: string; dryRun: boolean }): Obj {
    const { stored } = opts;
    const meta = metadataOf(stored.object);
    const namespace = String(meta.namespace ?? '');
    const name = String(meta.name);
    const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
    if (opts.dryRun) return this.render(stored);
    if (finalizers.length > 0) {
      // Finalizers hold the object with a deletionTimestamp until whoever owns them removes them.
      const next = structuredClone(stored.object);
      metadataOf(next).deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.rv++;
      metadataOf(next).resourceVersion = String(this.rv);
      const updated: StoredObject = { ...stored, object: next };
      this.objects.set(this.key(stored.type, namespace, name), updated);
      this.emit({
        rv: this.rv,
        type: 'MODIFIED',
        resource: resourceKeyOf(stored.type),
        object: this.render(updated),
        previous: this.render(stored),
      });
      return this.render(updated);
    }
    const uid = meta.uid;
    for (const other of this.all()) {
      const refs = metadataOf(other.object).ownerReferences;
      if (!Array.isArray(refs) || !refs.some((r) => (r as Obj).uid === uid)) continue;
      if (opts.propagationPolicy === 'Orphan') {
        const next = structuredClone(other.object);
        metadataOf(next).ownerReferences = refs.filter((r) => (r as Obj).uid !== uid);
        this.rv++;
        metadataOf(next).resourceVersion = String(this.rv);
        const updated = { ...other, object: next };
        const om = metadataOf(other.object);
        this.objects.set(this.key(other.type, String(om.namespace ?? ''), String(om.name)), updated);
        this.emit({
          rv: this.rv,
          type: 'MODIFIED',
          resource: resourceKeyOf(other.type),
          object: this.render(updated),
          previous: this.render(other),
        });
      } else {
        this.remove({ stored: other, propagationPolicy: opts.propagationPolicy, dryRun: false });
      }
    }
    if (stored.type.kind === 'Namespace' && stored.type.group === '') {
      for (const other of this.all()) {
        if (other.type.namespaced && metadataOf(other.object).namespace === name) {
          this.remove({ stored: other, propagationPolicy: 'Background', dryRun: false });
        }
      }
    }
    this.objects.delete(this.key(stored.type, namespace, name));
    this.rv++;
    const last = structuredClone(stored.object);
    metadataOf(last).resourceVersion = String(this.rv);
    const rendered = this.render({ ...stored, object: last });
    this.emit({
      rv: this.rv,
      type: 'DELETED',
      resource: resourceKeyOf(stored.type),
      object: rendered,
      previous: this.render(stored),
    });
    return rendered;
  }

  /** Events after `rv` for one resource, or a 410 when history no longer reaches back that far. */
  eventsSince(resource: string, rv: number): StoreEvent[] {
    if (rv < this.oldestResumable) {
      throw gone(`too old resource version: ${rv} (${this.oldestResumable + 1})`);
    }
    return this.history.filter((e) => e.rv > rv && e.resource === resource);
  }
}

export type { ApiError };
