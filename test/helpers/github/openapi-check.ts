/**
 * Checks a request against GitHub's own REST description (`@octokit/openapi`, api.github.com):
 * the method and path must name an operation, path and query parameters must fit their schemas,
 * and a JSON body must fit the operation's request-body schema. A request GitHub would not accept
 * (404 for an unknown route, 422 for a bad body) becomes a list of problems.
 *
 * GitHub's GraphQL schema is not part of `@octokit/openapi`; `POST /graphql` is checked for its
 * shape only (a `query` string naming an operation we expect, `variables` an object).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Schema, type SchemaContext, validateSchema } from './validate-schema.ts';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  'x-multi-segment'?: boolean;
}

interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
}

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  operations: Partial<Record<string, Operation>>;
}

export interface CheckedRequest {
  method: string;
  /** Absolute URL or path (with query string). */
  url: string;
  body?: unknown;
}

export interface CheckResult {
  /** `checks/update`, `graphql`, or undefined when no operation matched. */
  operationId?: string;
  /** Path parameters of the matched operation, decoded. */
  params?: Record<string, string>;
  problems: string[];
}

export interface OpenApiChecker {
  check(request: CheckedRequest): CheckResult;
}

/** GraphQL operations the app sends; anything else is a problem. */
const GRAPHQL_OPERATIONS = ['revertPullRequest'];

let cached: OpenApiChecker | undefined;

/** Loads the description once per test file (it is ~13 MB of JSON). */
export function loadOpenApiChecker(): OpenApiChecker {
  cached ??= createChecker(readDescription());
  return cached;
}

function readDescription(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@octokit/openapi/package.json');
  const file = join(dirname(pkg), 'generated', 'api.github.com.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function createChecker(description: Record<string, unknown>): OpenApiChecker {
  const deref = (schema: Schema): Schema => {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`openapi: $ref loop at ${current.$ref}`);
      let target: unknown = description;
      for (const part of (current.$ref as string).replace(/^#\//, '').split('/')) {
        target = (target as Record<string, unknown>)[part];
      }
      if (!target) throw new Error(`openapi: unresolved $ref ${current.$ref as string}`);
      current = target as Schema;
    }
    return current;
  };
  const ctx: SchemaContext = { deref, strictProperties: true };
  const routes = buildRoutes(description.paths as Record<string, Record<string, Operation>>, deref);

  return {
    check(request) {
      const url = new URL(request.url, 'https://api.github.com');
      const method = request.method.toLowerCase();
      if (url.pathname === '/graphql') return checkGraphql(method, request.body);
      return checkRest({ routes, ctx, method, url, body: request.body });
    },
  };
}

function buildRoutes(
  paths: Record<string, Record<string, Operation>>,
  deref: SchemaContext['deref'],
): Route[] {
  return Object.entries(paths).map(([template, operations]) => {
    const names: string[] = [];
    const multi = new Set<string>();
    for (const op of Object.values(operations)) {
      for (const p of op.parameters ?? []) {
        const param = deref(p as Schema) as unknown as Parameter;
        if (param.in === 'path' && param['x-multi-segment']) multi.add(param.name);
      }
    }
    let pattern = '';
    let last = 0;
    for (const m of template.matchAll(/\{([^}]+)\}/g)) {
      const name = m[1] as string;
      pattern += escapeRegex(template.slice(last, m.index));
      pattern += multi.has(name) ? '(.+)' : '([^/]+)';
      names.push(name);
      last = (m.index ?? 0) + m[0].length;
    }
    pattern += escapeRegex(template.slice(last));
    const literalSegments = template.split('/').filter((s) => s && !s.includes('{')).length;
    return { template, regex: new RegExp(`^${pattern}$`), names, literalSegments, operations };
  });
}

function checkGraphql(method: string, body: unknown): CheckResult {
  const problems: string[] = [];
  if (method !== 'post') problems.push(`GraphQL takes POST, got ${method.toUpperCase()}`);
  const b = body as { query?: unknown; variables?: unknown } | undefined;
  if (!b || typeof b.query !== 'string') {
    problems.push('GraphQL body needs a string `query`');
  } else if (!GRAPHQL_OPERATIONS.some((op) => b.query && String(b.query).includes(op))) {
    problems.push(`GraphQL query uses none of the expected operations ${GRAPHQL_OPERATIONS.join(', ')}`);
  }
  if (b && b.variables !== undefined && (typeof b.variables !== 'object' || b.variables === null)) {
    problems.push('GraphQL `variables` must be an object');
  }
  return { operationId: 'graphql', problems };
}

function checkRest(opts: {
  routes: Route[];
  ctx: SchemaContext;
  method: string;
  url: URL;
  body: unknown;
}): CheckResult {
  const { routes, ctx, method, url } = opts;
  const label = `${method.toUpperCase()} ${url.pathname}`;
  const matches = routes
    .map((route) => ({ route, m: route.regex.exec(url.pathname) }))
    .filter((x): x is { route: Route; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => b.route.literalSegments - a.route.literalSegments);
  if (matches.length === 0) return { problems: [`${label}: no such path in GitHub's REST API`] };
  const withMethod = matches.filter((x) => x.route.operations[method]);
  if (withMethod.length === 0) {
    return { problems: [`${label}: path exists (${matches[0]?.route.template}) but not for this method`] };
  }
  let first: CheckResult | undefined;
  for (const { route, m } of withMethod) {
    const operation = route.operations[method] as Operation;
    const pathValues = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    const result = checkOperation({ operation, ctx, pathValues, url, body: opts.body, label });
    if (result.problems.length === 0) return result;
    first ??= result;
  }
  return first as CheckResult;
}

/** Query and path values arrive as strings: coerce them to the schema's type before validating. */
function coerce(schema: Schema | undefined, raw: string): unknown {
  const type = schema?.type;
  if (type === 'integer' || type === 'number')
    return Number.isNaN(Number(raw)) || raw.trim() === '' ? raw : Number(raw);
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'array') return raw.split(',');
  return raw;
}

function checkOperation(opts: {
  operation: Operation;
  ctx: SchemaContext;
  pathValues: Record<string, string>;
  url: URL;
  body: unknown;
  label: string;
}): CheckResult {
  const { operation, ctx, url, label } = opts;
  const problems: string[] = [];
  const params = (operation.parameters ?? []).map((p) => ctx.deref(p as Schema) as unknown as Parameter);
  for (const param of params.filter((p) => p.in === 'path')) {
    const value = opts.pathValues[param.name];
    if (value === undefined || value === '') {
      problems.push(`${label}: path parameter '${param.name}' is empty`);
    } else if (param.schema) {
      problems.push(...validateSchema(param.schema, coerce(param.schema, value), ctx, `path.${param.name}`));
    }
  }
  const query = params.filter((p) => p.in === 'query');
  for (const [name, value] of url.searchParams) {
    const param = query.find((p) => p.name === name);
    if (!param) {
      problems.push(`${label}: unknown query parameter '${name}'`);
    } else if (param.schema) {
      problems.push(...validateSchema(param.schema, coerce(param.schema, value), ctx, `query.${name}`));
    }
  }
  for (const param of query.filter((p) => p.required)) {
    if (!url.searchParams.has(param.name)) problems.push(`${label}: missing required query '${param.name}'`);
  }
  problems.push(...checkBody(operation, opts.body, ctx, label));
  return { operationId: operation.operationId, params: opts.pathValues, problems };
}

function checkBody(operation: Operation, body: unknown, ctx: SchemaContext, label: string): string[] {
  const hasBody = body !== undefined && body !== '' && body !== null;
  const requestBody = operation.requestBody;
  if (!requestBody) {
    return hasBody ? [`${label}: ${operation.operationId} takes no request body`] : [];
  }
  if (!hasBody) {
    return requestBody.required ? [`${label}: ${operation.operationId} requires a request body`] : [];
  }
  const schema = requestBody.content['application/json']?.schema;
  if (!schema) return [`${label}: ${operation.operationId} takes no JSON body`];
  const value = typeof body === 'string' ? parseJson(body) : body;
  if (value === undefined) return [`${label}: body is not JSON`];
  return validateSchema(schema, value, ctx, 'body').map((p) => `${label} (${operation.operationId}): ${p}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // An unparseable body is reported by the caller as a problem, not thrown.
    void err;
    return undefined;
  }
}
