import { expect, test } from 'vitest';
import { formatDeploymentNote } from '../../src/github/format-deployment-note.ts';
import type { FerryDeployment } from '../../src/github/list-ferry-deployments.ts';

const SHA = 'b'.repeat(40);
const deployment: FerryDeployment = {
  id: 1,
  sha: SHA,
  environment: 'production',
  createdAt: '2025-01-01T10:00:00Z',
  payload: { target: 'production', summary: [], branch: 'main', merge: SHA },
};

test('a terminal status carries the time since the Deployment was created', () => {
  expect(
    formatDeploymentNote(deployment, {
      id: 2,
      state: 'success',
      description: 'healthy',
      createdAt: '2025-01-01T10:02:05Z',
      url: 'https://logs.example/1',
    }),
  ).toEqual({
    target: 'production',
    environment: 'production',
    state: 'success',
    sha: SHA,
    url: 'https://logs.example/1',
    description: 'healthy',
    durationSeconds: 125,
  });
});

test('a deployment still going has no duration; queued (signalled) and pending read as deploying', () => {
  expect(
    formatDeploymentNote(deployment, {
      id: 2,
      state: 'in_progress',
      description: '',
      createdAt: '2025-01-01T10:00:05Z',
    }),
  ).toEqual({
    target: 'production',
    environment: 'production',
    state: 'in_progress',
    sha: SHA,
  });
  expect(formatDeploymentNote(deployment, undefined).state).toBe('in_progress');
  expect(
    formatDeploymentNote(deployment, {
      id: 3,
      state: 'pending',
      description: '',
      createdAt: '2025-01-01T10:00:05Z',
    }).state,
  ).toBe('in_progress');
});

test('a successful rollback deployment reads rolled_back', () => {
  const rollback = {
    ...deployment,
    payload: { ...deployment.payload, rollback: { requestedBy: 'alice', comment: 9 } },
  };
  const note = formatDeploymentNote(rollback, {
    id: 4,
    state: 'success',
    description: '',
    createdAt: '2025-01-01T10:00:30Z',
  });
  expect(note).toMatchObject({ state: 'rolled_back', durationSeconds: 30 });
});
