import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An environment for kubectl and helm that holds nothing worth stealing and reaches nothing. */
export interface Sandbox {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * Proxies point here: nothing listens on TCP port 1 (tcpmux) on any machine we run on, so a request
 * that slips past the pre-render checks fails fast instead of reaching the network.
 */
const DEAD_PROXY = 'http://127.0.0.1:1';

/**
 * A minimal child environment in a fresh `ferry-render-` temp dir. Nothing is inherited from
 * process.env (tokens, AWS credentials): every variable is listed here. HOME and helm's and
 * kustomize's state directories are empty, PATH is an empty directory (so no `git` for remote
 * bases and no plugin executables), KUBECONFIG is /dev/null and proxies are dead.
 */
export async function createSandbox(): Promise<Sandbox> {
  const base = await mkdtemp(join(tmpdir(), 'ferry-render-'));
  const dir = (name: string) => join(base, name);
  const names = [
    'home',
    'bin',
    'tmp',
    'helm-cache',
    'helm-config',
    'helm-data',
    'helm-plugins',
    'kustomize-plugins',
  ];
  await Promise.all(names.map((n) => mkdir(dir(n))));
  const env: Record<string, string> = {
    HOME: dir('home'),
    PATH: dir('bin'),
    TMPDIR: dir('tmp'),
    LANG: 'C',
    KUBECONFIG: '/dev/null',
    HELM_CACHE_HOME: dir('helm-cache'),
    HELM_CONFIG_HOME: dir('helm-config'),
    HELM_DATA_HOME: dir('helm-data'),
    HELM_PLUGINS: dir('helm-plugins'),
    HELM_REGISTRY_CONFIG: join(dir('helm-config'), 'registry.json'),
    HELM_REPOSITORY_CONFIG: join(dir('helm-config'), 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(dir('helm-cache'), 'repository'),
    KUSTOMIZE_PLUGIN_HOME: dir('kustomize-plugins'),
    XDG_CONFIG_HOME: join(dir('home'), '.config'),
    XDG_CACHE_HOME: join(dir('home'), '.cache'),
    XDG_DATA_HOME: join(dir('home'), '.local', 'share'),
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    all_proxy: DEAD_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  return {
    env,
    dispose: () => rm(base, { recursive: true, force: true }),
  };
}
