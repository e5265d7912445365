import { expect, test } from 'vitest';
import { parseDeploymentPayload } from '../../src/github/deployment-payload.ts';

const SHA = 'a'.repeat(40);
const ferry = {
  target: 'production',
  summary: [{ resource: 'InferenceService ml/c', facts: ['canary 10%'] }],
  branch: 'main',
  merge: SHA,
  pull: 42,
};

test('reads payload.ferry given as an object or as a JSON string', () => {
  expect(parseDeploymentPayload({ ferry })).toEqual(ferry);
  expect(parseDeploymentPayload(JSON.stringify({ ferry }))).toEqual(ferry);
});

test('ignores deployments other tools created', () => {
  expect(parseDeploymentPayload({})).toBeUndefined();
  expect(parseDeploymentPayload('{ "deploy": "migrate" }')).toBeUndefined();
  expect(parseDeploymentPayload('not json')).toBeUndefined();
  expect(parseDeploymentPayload({ ferry: { ...ferry, merge: 'main' } })).toBeUndefined();
  expect(parseDeploymentPayload(null)).toBeUndefined();
});
