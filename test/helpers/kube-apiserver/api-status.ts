/**
 * `Status` objects as the real API server returns them (k8s.io/apimachinery/pkg/api/errors):
 * `kind: Status`, `apiVersion: v1`, `status: Failure`, a reason from the StatusReason enum and the HTTP code.
 */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  /** Omitted for StatusReasonUnknown (""), as an error that is no Status is sent (ErrorToAPIStatus). */
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown inside the fake server; the router turns it into a `Status` response. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(opts: { code: number; reason: string; message: string; details?: StatusDetails }) {
    super(opts.message);
    this.code = opts.code;
    this.reason = opts.reason;
    this.details = opts.details;
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** `deployments.apps "api" not found` */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export function notFound(opts: { plural: string; group: string; name: string }): ApiError {
  return new ApiError({
    code: 404,
    reason: 'NotFound',
    message: `${qualifiedResource(opts.plural, opts.group)} "${opts.name}" not found`,
    details: { name: opts.name, group: opts.group, kind: opts.plural },
  });
}

export function alreadyExists(opts: { plural: string; group: string; name: string }): ApiError {
  return new ApiError({
    code: 409,
    reason: 'AlreadyExists',
    message: `${qualifiedResource(opts.plural, opts.group)} "${opts.name}" already exists`,
    details: { name: opts.name, group: opts.group, kind: opts.plural },
  });
}

export function conflict(opts: {
  plural: string;
  group: string;
  name: string;
  message: string;
  causes?: StatusCause[];
}): ApiError {
  const details: StatusDetails = { name: opts.name, group: opts.group, kind: opts.plural };
  if (opts.causes) details.causes = opts.causes;
  return new ApiError({
    code: 409,
    reason: 'Conflict',
    message: opts.message.startsWith('Apply failed')
      ? opts.message
      : `Operation cannot be fulfilled on ${qualifiedResource(opts.plural, opts.group)} "${opts.name}": ${opts.message}`,
    details,
  });
}

/** 422: `Job.batch "train" is invalid: spec.template: Invalid value: ...: field is immutable` */
export function invalid(opts: {
  kind: string;
  group: string;
  name: string;
  causes: StatusCause[];
}): ApiError {
  const qualifiedKind = opts.group ? `${opts.kind}.${opts.group}` : opts.kind;
  const summary = opts.causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return new ApiError({
    code: 422,
    reason: 'Invalid',
    message: `${qualifiedKind} "${opts.name}" is invalid: ${joined}`,
    details: { name: opts.name, group: opts.group, kind: opts.kind, causes: opts.causes },
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError({ code: 400, reason: 'BadRequest', message });
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError({ code: 405, reason: 'MethodNotAllowed', message });
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType || 'none'})`,
  });
}

export function gone(message: string): ApiError {
  return new ApiError({ code: 410, reason: 'Expired', message });
}

export function internalError(message: string): ApiError {
  return new ApiError({ code: 500, reason: 'InternalError', message });
}

export function unauthorized(): ApiError {
  return new ApiError({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
}

export function forbidden(opts: {
  user: string;
  verb: string;
  plural: string;
  group: string;
  namespace: string;
  name: string;
}): ApiError {
  const target = opts.name
    ? `${qualifiedResource(opts.plural, opts.group)} "${opts.name}"`
    : qualifiedResource(opts.plural, opts.group);
  const scope = opts.namespace ? ` in the namespace "${opts.namespace}"` : ' at the cluster scope';
  return new ApiError({
    code: 403,
    reason: 'Forbidden',
    message: `${target} is forbidden: User "${opts.user}" cannot ${opts.verb} resource "${opts.plural}" in API group "${opts.group}"${scope}`,
    details: { name: opts.name, group: opts.group, kind: opts.plural },
  });
}

/**
 * What the API server answers when etcd refuses a write over its `--max-request-bytes` (1.5 MiB by
 * default): etcd's ErrGRPCRequestTooLarge is no Status, so ErrorToAPIStatus sends it as a 500 with no
 * reason and etcd's words as the message. (The create, update and patch handlers retry once without
 * managedFields, isTooLargeError; not for an apply patch.)
 */
export function etcdRequestTooLarge(): ApiError {
  return new ApiError({ code: 500, reason: '', message: 'etcdserver: request is too large' });
}

/**
 * 429 as the API server's Status errors carry it (NewTooManyRequests: reason TooManyRequests,
 * details.retryAfterSeconds); ErrorNegotiated copies retryAfterSeconds into the Retry-After header.
 */
export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError({
    code: 429,
    reason: 'TooManyRequests',
    message,
    details: { retryAfterSeconds },
  });
}
