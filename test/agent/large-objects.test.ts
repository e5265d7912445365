import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
/**
 * The object-size rule stops such objects before any apply (its error blocks it); with the rule off
 * (a cluster whose limits a user knows better), the API server's own refusal is what the agent says.
 */
const CONFIG_RULE_OFF = `${CONFIG}rules:\n  object-size: off\n`;
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness, trigger: 'event' | 'resync') => reconcileSync(h.deps, current(h), trigger);

describe('large ConfigMaps and Secrets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('applies one past kubectl’s 256 KiB last-applied annotation limit (server-side apply keeps no copy)', async () => {
    // A tokenizer vocabulary: too big for client-side apply's annotation, fine for the API server.
    const vocabulary = 'token\n'.repeat(70_000);
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/vocab.yaml': configMap('vocab', { 'vocab.txt': vocabulary }),
      }),
    );
    expect((await reconcile(h, 'event')).result).toBe('healthy');
    const live = h.server.get({ ...CM, name: 'vocab' });
    expect(String(fieldOf(live, 'data')['vocab.txt']).length).toBe(vocabulary.length);
    expect(Object.keys(fieldOf(live, 'metadata').annotations as object)).toEqual(['ferry.dev/revision']);
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
  });

  it('refuses a ConfigMap over 1 MiB before applying anything, at its file and line (object-size)', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/weights.yaml': configMap('weights', { 'model.bin': 'w'.repeat(1_100_000) }),
        'deploy/config.yaml': configMap('config'),
      }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      message: expect.stringMatching(
        /^1 error\(s\) block the apply: deploy\/weights\.yaml:1 object-size: ConfigMap ml\/weights holds 1100000 bytes/,
      ),
    });
    expect(h.server.get({ ...CM, name: 'weights' })).toBeUndefined();
    expect(h.server.get({ ...CM, name: 'config' })).toBeUndefined();
  });

  it('says a ConfigMap over the API server’s 1 MiB is too large and what to do, and what else it applied', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG_RULE_OFF,
        'deploy/weights.yaml': configMap('weights', { 'model.bin': 'w'.repeat(1_100_000) }),
        'deploy/config.yaml': configMap('config'),
      }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        '1 object(s) failed to apply: ConfigMap ml/weights: its data is larger than the 1 MiB the API server stores in one ConfigMap: split it into several, or ship the file in the image or on a volume (ConfigMap "weights" is invalid: []: Too long: must have at most 1048576 bytes); 1 other object(s) were applied at this revision and nothing was pruned; the next resync retries it',
    });
    expect(h.server.get({ ...CM, name: 'weights' })).toBeUndefined();
  });
  it('says an object past the API server’s 3 MiB request limit is too large and what to do', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG_RULE_OFF,
        'deploy/big.yaml': configMap('corpus', { 'corpus.txt': 'c'.repeat(3_200_000) }),
      }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      message:
        '1 object(s) failed to apply: ConfigMap ml/corpus: it is larger than the API server accepts in one request (Request entity too large: limit is 3145728): split it into several objects, or ship large data in the image or on a volume; the next resync retries it',
    });
  });

  it('says an object past etcd’s request limit is too large and what to do, instead of retrying it forever', async () => {
    await h.close();
    // etcd's --max-request-bytes made small, so the object need not be 1.5 MiB for the test.
    h = await startHarness({ server: { etcdMaxRequestBytes: 64 * 1024 } });
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/prompts.yaml': configMap('prompts', { 'prompts.txt': 'p'.repeat(100_000) }),
        'deploy/config.yaml': configMap('config'),
      }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        "1 object(s) failed to apply: ConfigMap ml/prompts: it is 0.10 MiB as Git has it, more than etcd stores in one object (1.5 MiB unless the cluster's etcd sets --max-request-bytes; the API server said: etcdserver: request is too large): split it into several objects, or ship large data in the image or on a volume; 1 other object(s) were applied at this revision and nothing was pruned; the next resync retries it",
    });
    expect(current(h).status?.phase).toBe('Failed');
    expect(h.server.get({ ...CM, name: 'prompts' })).toBeUndefined();
    expect(h.server.get({ ...CM, name: 'config' })).toBeDefined();
  });
});
