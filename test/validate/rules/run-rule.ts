import { lineOf } from '../../../src/manifest/line-of.ts';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import type { Resource, Severity } from '../../../src/types.ts';
import type { Rule } from '../../../src/validate/rule.ts';

/** Readable YAML → resources, in namespace `ml` unless a document says otherwise. Fails on bad YAML. */
export function resourcesOf(yaml: string, file = 'test.yaml'): Resource[] {
  const { resources, findings } = parseManifests(yaml, file, { defaultNamespace: 'ml' });
  if (findings.length > 0) throw new Error(`bad test YAML: ${findings.map((f) => f.message).join('; ')}`);
  return resources;
}

/** A rule finding as a user sees it: severity, file, line and message. */
export interface Seen {
  severity: Severity;
  file: string;
  line: number;
  message: string;
}

export interface RunOptions {
  kubernetesVersion?: string;
}

/** Runs one rule over YAML (one string, or several files) and returns what a user would see. */
export function runRule(rule: Rule, input: string | readonly Resource[], opts: RunOptions = {}): Seen[] {
  const resources = typeof input === 'string' ? resourcesOf(input) : input;
  return rule.check({ resources, kubernetesVersion: opts.kubernetesVersion ?? '1.34' }).map((f) => ({
    severity: f.severity ?? rule.severity,
    file: f.resource.file,
    line: lineOf(f.resource, f.path),
    message: f.message,
  }));
}

/** Just the messages. */
export function messagesOf(rule: Rule, input: string | readonly Resource[], opts: RunOptions = {}): string[] {
  return runRule(rule, input, opts).map((f) => f.message);
}
