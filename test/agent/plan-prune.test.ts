import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPrune } from '../../src/agent/plan-prune.ts';
import { objectKey } from '../../src/agent/prepare-objects.ts';
import type { InventoryEntry } from '../../src/signal/sync-object.ts';

const entry = (kind: string, name: string, namespace?: string): InventoryEntry => ({
  apiVersion:
    kind === 'Deployment'
      ? 'apps/v1'
      : kind === 'CustomResourceDefinition'
        ? 'apiextensions.k8s.io/v1'
        : 'v1',
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});

describe('planPrune', () => {
  it('removes what the render no longer has, namespaces and CRDs last (with the opt-in they need)', () => {
    const inventory = [
      entry('Namespace', 'ml'),
      entry('CustomResourceDefinition', 'models.x.dev'),
      entry('ConfigMap', 'a', 'ml'),
      entry('Deployment', 'api', 'ml'),
      entry('ConfigMap', 'keep', 'ml'),
    ];
    const plan = planPrune({
      inventory,
      desiredKeys: new Set([objectKey(entry('ConfigMap', 'keep', 'other'))]),
      maxShare: 1,
      allowMassPrune: true,
    });
    expect(plan.refused).toBeUndefined();
    expect(plan.remove.map((e) => e.kind)).toEqual([
      'ConfigMap',
      'Deployment',
      'ConfigMap',
      'Namespace',
      'CustomResourceDefinition',
    ]);
  });

  it('keeps a Namespace or CRD the render dropped unless the request allows mass prunes, and never one still in use', () => {
    const inventory = [
      entry('Namespace', 'ml'),
      entry('Namespace', 'old'),
      entry('CustomResourceDefinition', 'models.x.dev'),
      entry('CustomResourceDefinition', 'gone.x.dev'),
      entry('ConfigMap', 'a', 'ml'),
      entry('ConfigMap', 'b', 'ml'),
    ];
    const uses = {
      desiredKeys: new Set([objectKey(entry('ConfigMap', 'a', 'ml'))]),
      crdsInUse: new Set(['models.x.dev']),
      maxShare: 1,
    };
    const without = planPrune({ inventory, ...uses, allowMassPrune: false });
    expect(without.remove.map((e) => `${e.kind} ${e.name}`)).toEqual(['ConfigMap b']);
    expect(without.kept.map((k) => `${k.entry.kind} ${k.entry.name}: ${k.reason}`)).toEqual([
      'Namespace ml: the render still has objects in this namespace',
      'Namespace old: deleting a Namespace deletes everything in it; re-send with allowMassPrune (ferry sync --allow-mass-prune) to delete it',
      'CustomResourceDefinition models.x.dev: the render still has custom resources of this definition',
      'CustomResourceDefinition gone.x.dev: deleting a CustomResourceDefinition deletes every resource of its kind in the cluster; re-send with allowMassPrune (ferry sync --allow-mass-prune) to delete it',
    ]);
    const allowed = planPrune({ inventory, ...uses, allowMassPrune: true });
    expect(allowed.remove.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'ConfigMap b',
      'Namespace old',
      'CustomResourceDefinition gone.x.dev',
    ]);
    expect(allowed.kept.map((k) => k.entry.name)).toEqual(['ml', 'models.x.dev']);
  });

  it('refuses when the render is empty, whatever the override says', () => {
    const plan = planPrune({
      inventory: [entry('ConfigMap', 'a', 'ml')],
      desiredKeys: new Set(),
      maxShare: 1,
      allowMassPrune: true,
    });
    expect(plan.refused).toMatch(/render is empty/);
  });

  it('refuses more than maxShare of the inventory unless overridden', () => {
    const inventory = ['a', 'b', 'c', 'd'].map((n) => entry('ConfigMap', n, 'ml'));
    const desiredKeys = new Set([
      objectKey(inventory[0] as InventoryEntry),
      objectKey(inventory[1] as InventoryEntry),
    ]);
    expect(
      planPrune({ inventory, desiredKeys, maxShare: 0.5, allowMassPrune: false }).refused,
    ).toBeUndefined();
    expect(planPrune({ inventory, desiredKeys, maxShare: 0.25, allowMassPrune: false }).refused).toMatch(
      /pruning 2 of 4 objects \(50%\) exceeds maxPruneShare 25%/,
    );
    expect(
      planPrune({ inventory, desiredKeys, maxShare: 0.25, allowMassPrune: true }).refused,
    ).toBeUndefined();
  });

  it('never plans to delete a desired object, and only deletes inventory entries (property)', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 30 });
    fc.assert(
      fc.property(
        names,
        names,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (inv, desired, maxShare, allow) => {
          const inventory = inv.map((n) => entry('ConfigMap', n, 'ml'));
          const desiredKeys = new Set(desired.map((n) => objectKey(entry('ConfigMap', n, 'ml'))));
          const plan = planPrune({ inventory, desiredKeys, maxShare, allowMassPrune: allow });
          for (const e of plan.remove) {
            expect(desiredKeys.has(objectKey(e))).toBe(false);
            expect(inventory).toContain(e);
          }
          if (desiredKeys.size === 0 && plan.remove.length > 0) expect(plan.refused).toBeDefined();
          if (!plan.refused && inventory.length > 0 && !allow)
            expect(plan.remove.length / inventory.length).toBeLessThanOrEqual(maxShare);
        },
      ),
    );
  });
});
