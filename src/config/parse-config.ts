import { LineCounter, parseDocument } from 'yaml';
import type { FerryConfig, Finding, Severity } from '../types.ts';
import { DEFAULT_BRANCH, ferryConfigSchema } from './config-schema.ts';
import { defaultConfig } from './default-config.ts';
import { type ConfigProblem, formatConfigIssue, formatConfigPath } from './format-config-issue.ts';
import { lineOfPath } from './line-of-path.ts';
import { pathOfKeyAt } from './path-of-key-at.ts';
import { toTarget } from './to-target.ts';

export const CONFIG_FILE = '.github/ferry.yml';
/** The config is a few dozen lines; anything near this is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Anchors are fine in a config; an alias bomb is not. */
const MAX_ALIAS_COUNT = 50;

export interface ParseConfigOptions {
  /** Repo-relative path for findings. Default `.github/ferry.yml`. */
  file?: string;
  /** The repository's default branch: the tracked branch of targets that name none. Default `main`. */
  defaultBranch?: string;
}

export interface ParsedConfig {
  config: FerryConfig;
  findings: Finding[];
}

/**
 * `.github/ferry.yml` text → configuration with defaults applied, and findings (rule `config`) with the
 * line of the offending key. Pure.
 *
 * When the file has any error, `config` is the default configuration (one implicit target) rather than a
 * partly-trusted one: a half-valid config could deploy somewhere unintended, while the error finding fails
 * the check and says what to fix. An empty file (or only comments) is the default configuration.
 */
export function parseConfig(text: string, opts: ParseConfigOptions = {}): ParsedConfig {
  const file = opts.file ?? CONFIG_FILE;
  const defaultBranch = opts.defaultBranch ?? DEFAULT_BRANCH;
  const finding = (line: number, message: string, severity: Severity = 'error'): Finding => ({
    rule: 'config',
    severity,
    file,
    line,
    message,
  });
  const fallback = (findings: Finding[]): ParsedConfig => ({
    config: defaultConfig(defaultBranch),
    findings,
  });

  if (text.length * 3 > MAX_CONFIG_BYTES && new TextEncoder().encode(text).byteLength > MAX_CONFIG_BYTES) {
    return fallback([finding(1, `file is over the ${MAX_CONFIG_BYTES / 1024} KiB limit for the config`)]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const line = (pos: number) => lineCounter.linePos(pos).line;
  if (doc.errors.length > 0) {
    return fallback(
      doc.errors.map((err) =>
        finding(
          line(err.pos[0]),
          err.code === 'DUPLICATE_KEY'
            ? `${formatConfigPath(pathOfKeyAt(doc.contents, err.pos[0]) ?? [])}: duplicate key`
            : `invalid YAML: ${err.message.split('\n')[0]}`,
        ),
      ),
    );
  }
  const warnings = doc.warnings.map((w) => finding(line(w.pos[0]), `YAML: ${w.message}`, 'warning'));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws ReferenceError for alias bombs and unresolved aliases: user input, so a finding.
    const message = err instanceof Error ? err.message : String(err);
    const text = message.includes('resource exhaustion')
      ? `YAML aliases expand more than ${MAX_ALIAS_COUNT} times: refused as a possible alias bomb`
      : `invalid YAML: ${message}`;
    return fallback([...warnings, finding(1, text)]);
  }
  if (data === null || data === undefined) return fallback(warnings);

  // jitless: zod would otherwise generate and compile a parser per object schema (new Function), which
  // pays off over many parses; the config is parsed once per command or event.
  const result = ferryConfigSchema.safeParse(data, { reportInput: true, jitless: true });
  const problems = [
    ...(result.error?.issues.flatMap(formatConfigIssue) ?? []),
    ...duplicateTargetNames(data),
  ];
  if (!result.success || problems.length > 0) {
    const findings = problems.map((problem) =>
      finding(lineOfPath(doc.contents, problem.path, lineCounter), problem.message),
    );
    findings.sort((a, b) => a.line - b.line);
    return fallback([...warnings, ...findings]);
  }
  const parsed = result.data;
  const rules: FerryConfig['rules'] = {};
  for (const [id, level] of Object.entries(parsed.rules)) if (level !== undefined) rules[id] = level;
  const targets =
    parsed.targets?.map((t, i) => {
      const target = toTarget(t, defaultBranch);
      const at = (key: string) => lineOfPath(doc.contents, ['targets', i, key], lineCounter);
      target.declared = { file, line: at('path'), nameLine: at('name') };
      if (t.helm !== undefined) target.declared.helmLine = at('helm');
      const values = t.helm?.values ?? [];
      if (values.length > 0) {
        target.declared.valuesLines = values.map((_, j) =>
          lineOfPath(doc.contents, ['targets', i, 'helm', 'values', j], lineCounter),
        );
      }
      if (t.schemas.length > 0) {
        target.declared.schemasLines = t.schemas.map((_, j) =>
          lineOfPath(doc.contents, ['targets', i, 'schemas', j], lineCounter),
        );
      }
      return target;
    }) ?? defaultConfig(defaultBranch).targets;
  // A live preview asks the target's agent; without a cluster there is none to ask (the PR still gets
  // the rendered preview), so a warning rather than an error.
  const liveWithoutCluster = targets.flatMap((target, i) =>
    target.preview === 'live' && target.cluster === undefined
      ? [
          finding(
            lineOfPath(doc.contents, ['targets', i, 'preview'], lineCounter),
            `targets[${i}].preview: live needs a cluster to ask; target "${target.name}" has none, so its PRs get the rendered preview only (add a cluster or set preview: render)`,
            'warning',
          ),
        ]
      : [],
  );
  return {
    config: { kubernetesVersion: parsed.kubernetesVersion, rules, targets },
    findings: [...warnings, ...liveWithoutCluster],
  };
}

/** Target names are Sync object names and GitHub environments: each at most once. */
function duplicateTargetNames(data: unknown): ConfigProblem[] {
  const targets = (data as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const seen = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  targets.forEach((target: unknown, i) => {
    const name = (target as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, i);
      return;
    }
    const path = ['targets', i, 'name'];
    problems.push({
      path,
      message: `${formatConfigPath(path)}: duplicate target name "${name}" (also targets[${first}])`,
    });
  });
  return problems;
}
