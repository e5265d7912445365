/**
 * The AwsSolutions rule pack of cdk-nag over the synthesized stack: no finding may stand unless it
 * is acknowledged, in code, with its reason.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth-stack.ts';

// Synthesized once, outside any test: the kubectl layer makes a synth take seconds.
const { stack } = synthStack({ context: { 'ferry:clusters': [{ name: 'prod' }] } });

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { [qualified rule id]: reason }; the id may carry a plugin prefix (`x::`).
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^[^[:]*::/, ''), reason })),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('finds nothing that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only what is argued: each with a reason, none for the whole stack', () => {
    const acks = acknowledgments(stack);
    expect(acks.map((a) => a.id).sort()).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ClaimCheckBucket\w+\.Arn>\/deliveries\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ClaimCheckBucket\w+\.Arn>\/deliveries\/\*\]$/),
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SMG4',
    ]);
    for (const ack of acks) {
      expect(ack.path).not.toBe(stack.node.path);
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThan(60);
    }
  });
});
