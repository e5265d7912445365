import pinnedJson from '../schemas/k8s-1.36.json' with { type: 'json' };
import type { KindSchema, NameFormat, SchemaNode } from './schema-node.ts';

/** The file `scripts/gen-k8s-schema.ts` writes; its header documents the type codes. */
interface PinnedSchema {
  kubernetes: string;
  source: string;
  objectMeta: string;
  listMeta: string;
  /** `group/Kind`, '' group for core. */
  clusterScoped: string[];
  /** `apiVersion/kind` → type id */
  kinds: Record<string, string>;
  /** type id → field → type code (`!` = required) */
  types: Record<string, Record<string, string>>;
}

export interface BuiltinSchemas {
  /** The Kubernetes release the pinned schema was generated from, e.g. `1.36.0`. */
  kubernetesVersion: string;
  /** `apiVersion/kind` → schema. */
  kinds: ReadonlyMap<string, KindSchema>;
  objectMeta: SchemaNode;
  listMeta: SchemaNode;
  labelSelector: SchemaNode;
}

/**
 * Built-in kinds whose names are not DNS-1123 subdomains (k8s.io/kubernetes pkg/apis/core/validation:
 * ValidateNamespaceName is a DNS label, ValidateServiceName a DNS-1035 label; pkg/apis/rbac/validation:
 * ValidateRBACName is a path segment, which allows `system:aggregate-to-view`).
 */
const NAME_FORMATS: Readonly<Record<string, NameFormat>> = {
  '/Namespace': 'dns-label',
  '/Service': 'dns-1035-label',
  'rbac.authorization.k8s.io/Role': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRole': 'path-segment',
  'rbac.authorization.k8s.io/RoleBinding': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path-segment',
};

const ANY: SchemaNode = { type: 'any' };

let cached: BuiltinSchemas | undefined;

/** The pinned built-in schemas, compiled on first use and shared by every schema set. */
export function getBuiltinSchemas(): BuiltinSchemas {
  cached ??= compilePinned(pinnedJson as unknown as PinnedSchema);
  return cached;
}

function compilePinned(pinned: PinnedSchema): BuiltinSchemas {
  const nodes = new Map<string, SchemaNode>();
  const compile = (code: string): SchemaNode => {
    let node = nodes.get(code);
    if (node) return node;
    node = scalarNode(code);
    if (node) {
      nodes.set(code, node);
      return node;
    }
    const head = code[0];
    if (head === '[') {
      node = { type: 'array', items: compile(code.slice(1)) };
    } else if (head === '{') {
      node = { type: 'object', additional: compile(code.slice(1)) };
    } else if (head === '=') {
      node = { type: 'string', enum: code.slice(1).split('|') };
    } else {
      const fields = pinned.types[code];
      if (!fields) throw new Error(`pinned schema: unknown type ${code}`);
      const properties = new Map<string, SchemaNode>();
      const required: string[] = [];
      // Registered before its fields are compiled: types may refer to themselves.
      node = { type: 'object', properties, required };
      nodes.set(code, node);
      for (const [name, fieldCode] of Object.entries(fields)) {
        const isRequired = fieldCode.startsWith('!');
        if (isRequired) required.push(name);
        properties.set(name, compile(isRequired ? fieldCode.slice(1) : fieldCode));
      }
      return node;
    }
    nodes.set(code, node);
    return node;
  };

  const clusterScoped = new Set(pinned.clusterScoped);
  const kinds = new Map<string, KindSchema>();
  for (const [key, typeId] of Object.entries(pinned.kinds)) {
    const slash = key.lastIndexOf('/');
    const apiVersion = key.slice(0, slash);
    const kind = key.slice(slash + 1);
    const groupKind = `${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''}/${kind}`;
    kinds.set(key, {
      apiVersion,
      kind,
      root: compile(typeId),
      clusterScoped: clusterScoped.has(groupKind),
      nameFormat: NAME_FORMATS[groupKind] ?? 'dns-subdomain',
      origin: 'built-in',
      source: `Kubernetes ${pinned.kubernetes}`,
    });
  }
  return {
    kubernetesVersion: pinned.kubernetes,
    kinds,
    objectMeta: compile(pinned.objectMeta),
    listMeta: compile(pinned.listMeta),
    labelSelector: compile('meta/v1.LabelSelector'),
  };
}

function scalarNode(code: string): SchemaNode | undefined {
  switch (code) {
    case 's':
      return { type: 'string' };
    case 'i':
      return { type: 'integer', format: 'int32' };
    case 'l':
      return { type: 'integer', format: 'int64' };
    case 'n':
      return { type: 'number' };
    case 'b':
      return { type: 'boolean' };
    case 'q':
      return { type: 'quantity' };
    case 'x':
      return { type: 'int-or-string' };
    case 't':
      return { type: 'string', format: 'date-time' };
    case 'y':
      return { type: 'string', format: 'byte' };
    case 'a':
      return ANY;
    default:
      return undefined;
  }
}
