/**
 * Runs the fake API server in its own process (for benchmarks that measure the agent's memory alone):
 * prints `{"url": ...}` on stdout, serves until stdin closes. Controllers report workloads ready.
 */
import { readyControllers } from './controllers.ts';
import { startKubeApiServer } from './kube-apiserver.ts';
import { loadSyncCrd } from './sync-crd.ts';

const server = await startKubeApiServer({
  crds: [loadSyncCrd()],
  namespaces: ['default', 'kube-system', 'ferry-system', 'ml'],
  controllers: readyControllers,
  recordBodies: false,
});
process.stdout.write(`${JSON.stringify({ url: server.url, kubeconfig: server.kubeconfig() })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.close().then(() => process.exit(0));
});
