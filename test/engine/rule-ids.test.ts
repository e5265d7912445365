import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/config/rule-ids.ts';
import { ALL_RULES } from '../../src/validate/rules/all-rules.ts';

describe('rule ids', () => {
  it('lets .github/ferry.yml configure every registered rule, and names no rule that does not exist', () => {
    const engineIds = ['schema', 'parse', 'config', 'render', ...ALL_RULES.map((r) => r.id)].sort();
    expect([...RULE_IDS].sort()).toEqual(engineIds);
  });
});
