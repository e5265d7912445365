import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/config-json-schema.ts';
import { RULE_IDS } from '../../src/config/rule-ids.ts';

const docs = path.join(import.meta.dirname, '../../docs');

/** Every property name anywhere in a JSON Schema (properties of objects, array items, oneOf branches). */
function propertyNames(schema: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    if (properties) {
      for (const [name, child] of Object.entries(properties)) {
        names.add(name);
        walk(child);
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'properties') walk(child);
  };
  walk(schema);
  return names;
}

describe('docs/ferry.schema.json', () => {
  it('is what scripts/gen-config-schema.ts generates now (run it after changing the schema)', () => {
    const committed = JSON.parse(readFileSync(path.join(docs, 'ferry.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes every key, and lists every rule', () => {
    const schema = configJsonSchema();
    const names = propertyNames(schema);
    for (const id of RULE_IDS) expect(names).toContain(id);
    for (const key of ['kubernetesVersion', 'targets', 'maxPruneShare', 'provider', 'context', 'values']) {
      expect(names).toContain(key);
    }
  });
});

describe('docs/config.md', () => {
  const text = readFileSync(path.join(docs, 'config.md'), 'utf8');

  it.each([...propertyNames(configJsonSchema())])('documents the key %s', (name) => {
    expect(text).toContain(`\`${name}\``);
  });

  it('shows the schema line for editors', () => {
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+ferry\.schema\.json$/m);
  });
});
