import type { Resource, Severity } from '../types.ts';

/**
 * What a rule's `check` sees: the whole rendered set of one target, or, for a rule without `stream`,
 * possibly one part of it (`createValidation` checks a large plain target file by file).
 */
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
  /**
   * Required of a rule that looks across resources (duplicate-resource, selector-match): the same
   * check, fed the target in parts. A rule without it must judge each resource on its own, since
   * `check` may then be called on each part of a target.
   */
  stream?(ctx: Pick<RuleContext, 'kubernetesVersion'>): RuleStream;
  /**
   * For a stream rule whose findings each judge one resource and read the others only for context
   * (model-requests reads the ServingRuntime a model names): a failed build's sources, which no stream
   * is fed (their names are not yet the build's), are still checked by `check` over them alone.
   */
  judgesEachResource?: boolean;
}

/**
 * A cross-resource rule fed a target in parts, in order. `add` returns the findings on the resources it
 * is given; `finish` those that only the whole set decides, on stand-ins (`standInFor`), since the
 * resources they name may be gone by then. Keep as little as the rule needs: the point is a small
 * live set.
 */
export interface RuleStream {
  add(resources: readonly Resource[]): RuleFinding[];
  finish(): RuleFinding[];
}

/** A stream rule's `check`: the whole set as one part. */
export function checkWhole(rule: Pick<Rule, 'stream'>, ctx: RuleContext): RuleFinding[] {
  const stream = rule.stream?.(ctx);
  if (!stream) throw new Error('checkWhole needs a rule with stream');
  return [...stream.add(ctx.resources), ...stream.finish()];
}
