import { memoizeByString } from '../memoize-by-string.ts';
import type { NameFormat } from './schema-node.ts';

/*
 * Name and label rules of k8s.io/apimachinery/pkg/util/validation (IsDNS1123Subdomain, IsDNS1123Label,
 * IsDNS1035Label, IsQualifiedName, IsValidLabelValue) and pkg/api/validation/path (IsValidPathSegmentName).
 * Each returns the API server's explanation when the value is invalid, else undefined.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function dns1035LabelProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1035_LABEL.test(value)) {
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
  }
  return undefined;
}

export function pathSegmentProblem(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be '${value}'`;
  if (value.includes('/')) return "may not contain '/'";
  if (value.includes('%')) return "may not contain '%'";
  return undefined;
}

export function nameProblem(format: NameFormat, value: string): string | undefined {
  switch (format) {
    case 'dns-label':
      return dnsLabelProblem(value);
    case 'dns-1035-label':
      return dns1035LabelProblem(value);
    case 'path-segment':
      return pathSegmentProblem(value);
    default:
      return dnsSubdomainProblem(value);
  }
}

/** Label and annotation keys: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export const qualifiedNameProblem = memoizeByString(findQualifiedNameProblem);

function findQualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  let name = key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    name = key.slice(slash + 1);
    if (prefix === '') return 'prefix part must be non-empty';
    const prefixProblem = dnsSubdomainProblem(prefix);
    if (prefixProblem) return `prefix part ${prefixProblem}`;
  }
  if (name === '') return 'name part must be non-empty';
  // As apimachinery's IsQualifiedName, which splits on every '/': `substitution.aigw.run/env/apiKey`.
  if (name.includes('/')) {
    return "has more than one '/': a key is a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/my-name')";
  }
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}
