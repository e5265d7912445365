import { memoizeByString } from '../memoize-by-string.ts';

/**
 * What is wrong with a container image reference, or undefined when the kubelet can pull it by name.
 *
 * The API server accepts any non-blank `image`; the kubelet parses it with the Docker reference grammar
 * (github.com/distribution/reference, `ParseNormalizedNamed`, digests checked by go-digest) and a
 * pod whose image does not parse never starts (`InvalidImageName`). The grammar:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] path-component ("/" path-component)*      (at most 255 characters)
 *   domain     := host [":" port]   — the first component, when it has a `.` or `:` or is `localhost`
 *   path-component := [a-z0-9]+ ((\. | _ | __ | -+) [a-z0-9]+)*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex — sha256 (64), sha384 (96) or sha512 (128) lowercase hex digits
 */
export const imageRefProblem = memoizeByString(findImageRefProblem);

function findImageRefProblem(image: string): string | undefined {
  if (image.trim() === '') return 'is empty';
  if (/\s/.test(image)) return 'contains whitespace';
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const problem = digestProblem(rest.slice(at + 1));
    if (problem) return problem;
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    const tag = rest.slice(colon + 1);
    if (tag === '') return "ends in ':' with no tag after it (write name:tag, or leave the ':' out)";
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) {
      return `has an invalid tag "${tag}" (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-')`;
    }
    rest = rest.slice(0, colon);
  }
  return nameProblem(rest);
}

const LOWER_HEX = /^[a-f0-9]*$/;
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon < 0) {
    return `has "@${digest}", which is not a digest (a digest is sha256:<64 hex digits>; a tag goes after ':')`;
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    return `has a digest with the unsupported algorithm "${algorithm}" (use sha256, sha384 or sha512)`;
  }
  if (hex.length !== length || !LOWER_HEX.test(hex)) {
    return `has a ${algorithm} digest that is not ${length} lowercase hex digits`;
  }
  return undefined;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

function nameProblem(name: string): string | undefined {
  if (name === '') return 'has no repository name';
  if (name.length > 255) return 'has a repository name longer than 255 characters';
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasDomain =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  if (hasDomain) {
    const problem = domainProblem(first);
    if (problem) return problem;
    parts.shift();
  }
  for (const part of parts) {
    if (part === '') return "has an empty path component ('//' or a trailing '/')";
    if (PATH_COMPONENT.test(part)) continue;
    if (PATH_COMPONENT.test(part.toLowerCase()))
      return `has "${part}" in its repository name, which must be lowercase`;
    return `has "${part}" in its repository name (lowercase letters and digits, separated by '.', '_', '__' or '-')`;
  }
  // `ParseNormalizedNamed` refuses a name that is a 64-hex-digit image ID.
  if (!hasDomain && parts.length === 1 && /^[a-f0-9]{64}$/.test(parts[0] ?? '')) {
    return 'is a 64-hex-digit image ID, not a repository name';
  }
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  // IPv6 literal `[::1]:5000`.
  const host = domain.startsWith('[')
    ? domain.slice(0, domain.indexOf(']') + 1)
    : (domain.split(':')[0] ?? '');
  const port = domain.slice(host.length);
  if (port !== '' && !/^:[0-9]+$/.test(port)) return `has a registry "${domain}" with an invalid port`;
  if (host.startsWith('[')) {
    return /^\[[a-fA-F0-9:]+\]$/.test(host) ? undefined : `has an invalid registry address "${domain}"`;
  }
  if (!host.split('.').every((c) => DOMAIN_COMPONENT.test(c)))
    return `has an invalid registry name "${domain}"`;
  return undefined;
}
