import type { Resource, Severity } from '../types.ts';

/** What every rule sees: the whole rendered set of one target (some rules look across resources). */
export interface RuleContext {
  resources: readonly Resource[];
  /** e.g. "1.34": the Kubernetes version the target runs. */
  kubernetesVersion: string;
}

/** A rule's raw result; the validator turns it into a `Finding` (file, line, formatted resource). */
export interface RuleFinding {
  resource: Resource;
  message: string;
  /** Path inside the object, for the finding's line, e.g. ['spec', 'template', 'spec', 'containers', 0, 'image']. */
  path?: readonly (string | number)[];
  /** Overrides the rule's default severity for this finding (e.g. removed API = error, deprecated = warning). */
  severity?: Severity;
}

/**
 * One validation rule: one small file under `rules/`, with its id, default severity and a test beside it.
 * Users override severities or turn rules off in `.github/ferry.yml` (`rules: { <id>: off|info|warning|error }`).
 */
export interface Rule {
  id: string;
  severity: Severity;
  /** One sentence, shown in docs and `ferry validate --rules`. */
  description: string;
  check(ctx: RuleContext): RuleFinding[];
}
