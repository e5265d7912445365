import type { Rule } from '../rule.ts';
import { deprecatedApiRule } from './deprecated-api.ts';
import { duplicateContainerRule } from './duplicate-container.ts';
import { duplicateResourceRule } from './duplicate-resource.ts';
import { envReferenceRule } from './env-reference.ts';
import { gpuLimitsRule } from './gpu-limits.ts';
import { imagePinnedRule } from './image-pinned.ts';
import { modelPinnedRule } from './model-pinned.ts';
import { modelRequestsRule } from './model-requests.ts';
import { objectSizeRule } from './object-size.ts';
import { plaintextSecretRule } from './plaintext-secret.ts';
import { selectorMatchRule } from './selector-match.ts';
import { trafficSplitRule } from './traffic-split.ts';

/** Every built-in rule, in the order docs/rules.md lists them. Adding a rule: its file, its test, this line. */
export const ALL_RULES: readonly Rule[] = [
  gpuLimitsRule,
  trafficSplitRule,
  imagePinnedRule,
  modelPinnedRule,
  modelRequestsRule,
  plaintextSecretRule,
  envReferenceRule,
  duplicateResourceRule,
  duplicateContainerRule,
  deprecatedApiRule,
  selectorMatchRule,
  objectSizeRule,
];
