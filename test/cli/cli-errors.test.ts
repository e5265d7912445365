import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLine } from '../helpers/expect-one-line.ts';
import { createTestRepo } from '../helpers/git-repo.ts';
import { startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';
import { runFerry, runFerryAsync } from '../helpers/run-ferry.ts';

const SHA = 'a'.repeat(40);
let dir: string;
let repo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-cli-errors-'));
  repo = join(dir, 'repo');
  mkdirSync(join(repo, '.github'), { recursive: true });
  mkdirSync(join(repo, 'k'));
  writeFileSync(
    join(repo, '.github', 'ferry.yml'),
    'targets:\n  - name: prod\n    path: k\n    branch: main\n  - name: staging\n    path: k\n    branch: main\n',
  );
  writeFileSync(
    join(repo, 'k', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  );
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme/models.git'], { cwd: repo });
  writeFileSync(
    join(dir, 'closed.kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: not-a-real-token}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'empty.kubeconfig'), '');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI errors say what to fix in one line', () => {
  it('a --repo that does not exist', () => {
    expectOneLine(
      runFerry(['validate', '--repo', join(dir, 'no-such-dir')]),
      /^ferry validate: --repo .*no-such-dir: no such directory \(see 'ferry validate --help'\)$/,
    );
  });

  it('an agent with no GitHub credentials', () => {
    const r = runFerry(['agent', '--once', '--kubeconfig', join(dir, 'closed.kubeconfig')], {
      env: { APP_ID: '', PRIVATE_KEY: '', PRIVATE_KEY_PATH: '', GITHUB_TOKEN: '' },
    });
    expectOneLine(r, /^ferry agent: .*no GitHub credentials: set APP_ID and PRIVATE_KEY .*GITHUB_TOKEN/);
  });

  it('an unreachable cluster', () => {
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', join(dir, 'closed.kubeconfig')], {
      cwd: repo,
    });
    expectOneLine(
      r,
      /^ferry sync: cannot reach \S*127\.0\.0\.1:1\S*: connection refused; check the cluster address/,
    );
  });

  it('an agent that cannot reach its cluster suggests only flags the agent has', () => {
    const r = runFerry(['agent', '--once', '--kubeconfig', join(dir, 'closed.kubeconfig')], {
      env: { FERRY_REPOSITORIES: 'acme/models', GITHUB_TOKEN: 'not-a-real-token' },
    });
    expectOneLine(
      r,
      /^ferry agent: cannot reach \S*127\.0\.0\.1:1\S*: connection refused; check the cluster address in your kubeconfig and that this machine can reach it$/,
    );
  });

  // client-node would make up a cluster at http://localhost:8080; in a pod, the service account is found.
  it.skipIf(existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'))(
    'no kubeconfig anywhere: where Ferry looked and how to give one',
    () => {
      const home = join(dir, 'home-without-kube');
      mkdirSync(home, { recursive: true });
      const env = {
        HOME: home,
        KUBECONFIG: '',
        KUBERNETES_SERVICE_HOST: '',
        FERRY_REPOSITORIES: 'acme/models',
        GITHUB_TOKEN: 'not-a-real-token',
      };
      for (const args of [
        ['sync', 'prod', '--revision', SHA],
        ['preview', 'prod', '--revision', SHA],
        ['agent', '--once'],
      ]) {
        expectOneLine(
          runFerry(args, { cwd: repo, env }),
          new RegExp(
            `^ferry ${args[0]}: no kubeconfig found: KUBECONFIG is not set, there is no \\S+home-without-kube/\\.kube/config, and this is not a pod with a service account; pass --kubeconfig PATH or set KUBECONFIG`,
          ),
        );
      }
    },
  );

  it('a kubeconfig whose context names a cluster it lacks says which', () => {
    const file = join(dir, 'lost-cluster.kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: x, context: {cluster: gone, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    expectOneLine(
      runFerry(['agent', '--once', '--kubeconfig', file], {
        env: { FERRY_REPOSITORIES: 'acme/models', GITHUB_TOKEN: 'not-a-real-token' },
      }),
      /^ferry agent: kubeconfig \S+lost-cluster\.kubeconfig: context 'x' names cluster 'gone', which is not in the file \(clusters: c\)/,
    );
  });

  it("a cluster command says its one line without Node's punycode deprecation beside it", () => {
    // Node 22 and later warn (DEP0040) whenever the built-in punycode loads, and the Kubernetes client
    // loads it; --pending-deprecation makes Node 20 warn the same way.
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', join(dir, 'closed.kubeconfig')], {
      cwd: repo,
      env: { NODE_OPTIONS: '--pending-deprecation' },
    });
    expect(r.stderr).not.toMatch(/DeprecationWarning|punycode/);
    expectOneLine(r, /^ferry sync: cannot reach \S*127\.0\.0\.1:1\S*: connection refused/);
  });

  /** A kubeconfig whose user gets a token from `command` (as 'aws eks update-kubeconfig' writes). */
  function execKubeconfig(name: string, command: string): string {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
        'contexts: [{name: x, context: {cluster: c, user: eks}}]',
        'current-context: x',
        'users:',
        '- name: eks',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1beta1',
        `      command: ${JSON.stringify(command)}`,
        '      args: [--region, eu-west-1, eks, get-token, --cluster-name, ml]',
        '',
      ].join('\n'),
    );
    return file;
  }

  it('a kubeconfig whose credential command is not installed', () => {
    const kc = execKubeconfig('no-aws.kubeconfig', 'ferry-test-no-such-aws');
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', kc], { cwd: repo });
    expectOneLine(
      r,
      /^ferry sync: kubeconfig user 'eks' gets its credentials by running 'ferry-test-no-such-aws', which is not installed here .*install it/,
    );
  });

  it('a kubeconfig whose credential command fails (an expired SSO session)', () => {
    const script = join(dir, 'expired-aws.sh');
    writeFileSync(
      script,
      '#!/bin/sh\necho "" >&2\necho "Error when retrieving token from sso: Token has expired and refresh failed" >&2\nexit 255\n',
      { mode: 0o755 },
    );
    const r = runFerry(
      ['sync', 'prod', '--revision', SHA, '--kubeconfig', execKubeconfig('expired.kubeconfig', script)],
      {
        cwd: repo,
      },
    );
    expectOneLine(
      r,
      /^ferry sync: kubeconfig user 'eks': its credential command '.*expired-aws\.sh --region eu-west-1 eks get-token.*' failed: Error when retrieving token from sso: Token has expired and refresh failed; run it yourself/,
    );
  });

  it('a kubeconfig whose credential command prints no credential', () => {
    const r = runFerry(
      ['preview', 'prod', '--revision', SHA, '--kubeconfig', execKubeconfig('echo.kubeconfig', 'echo')],
      { cwd: repo },
    );
    expectOneLine(
      r,
      /^ferry preview: kubeconfig user 'eks': its credential command 'echo --region .*' printed no ExecCredential JSON/,
    );
  });

  it('a kubeconfig naming a certificate file that is not there', () => {
    const kc = join(dir, 'ca-file.kubeconfig');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: prod-eks, cluster: {server: "https://127.0.0.1:1", certificate-authority: certs/ca.crt}}]',
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: x, context: {cluster: prod-eks, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', kc], { cwd: repo });
    // A relative path is the kubeconfig's folder's, as kubectl reads it.
    expectOneLine(
      r,
      /^ferry sync: cluster 'prod-eks' certificate-authority names \S*certs\/ca\.crt, which cannot be read \(no such file\): fix the path/,
    );
  });

  /** Runs `fn` with a port this process listens on, so the command finds it taken. */
  async function withTakenPort<T>(fn: (port: number) => T): Promise<T> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    try {
      return fn((server.address() as AddressInfo).port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('serve on a port another process holds', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await withTakenPort((port) => {
      const r = runFerry(['serve'], {
        cwd: dir,
        env: { APP_ID: '1', WEBHOOK_SECRET: 'x', PRIVATE_KEY: privateKey, PORT: String(port), HOST: '' },
        timeoutMs: 20_000,
      });
      expectOneLine(
        r,
        new RegExp(
          `^ferry serve: port ${port} is already in use by another process: stop it, or set PORT to a free port$`,
        ),
      );
    });
  });

  it('an agent whose metrics port another process holds stops before it starts', async () => {
    await withTakenPort((port) => {
      const r = runFerry(
        ['agent', '--kubeconfig', join(dir, 'closed.kubeconfig'), '--metrics-port', String(port)],
        {
          env: { FERRY_REPOSITORIES: 'acme/models', GITHUB_TOKEN: 'x' },
          timeoutMs: 20_000,
        },
      );
      expectOneLine(
        r,
        new RegExp(`^ferry agent: port ${port} is already in use by another process: .*--metrics-port`),
      );
      expect(r.stdout).not.toContain('ferry agent started');
    });
  });

  it('an empty kubeconfig', () => {
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', join(dir, 'empty.kubeconfig')], {
      cwd: repo,
    });
    expectOneLine(
      r,
      /^ferry sync: kubeconfig .*empty\.kubeconfig: not a kubeconfig .*pass --kubeconfig PATH/,
    );
  });

  it('a kubeconfig that does not exist', () => {
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', join(dir, 'nope')], { cwd: repo });
    expectOneLine(r, /^ferry sync: kubeconfig .*nope: no such file; pass --kubeconfig PATH/);
  });

  it('a KUBECONFIG list is read as kubectl reads it, a missing file skipped', () => {
    const list = [join(dir, 'gone.kubeconfig'), join(dir, 'closed.kubeconfig')].join(delimiter);
    const r = runFerry(['sync', 'prod', '--revision', SHA], { cwd: repo, env: { KUBECONFIG: list } });
    expectOneLine(r, /^ferry sync: cannot reach \S*127\.0\.0\.1:1\S*: connection refused/);
  });

  it('a kubeconfig that is a folder', () => {
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--kubeconfig', dir], { cwd: repo });
    expectOneLine(r, /^ferry sync: kubeconfig \S+: is a folder, not a file; pass --kubeconfig PATH/);
  });

  it('no AWS credentials for an EKS cluster', () => {
    const r = runFerry(['sync', 'prod', '--revision', SHA, '--eks-cluster', 'ml', '--region', 'eu-west-1'], {
      cwd: repo,
      env: {
        HOME: dir,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_WEB_IDENTITY_TOKEN_FILE: '',
      },
    });
    expectOneLine(r, /^ferry sync: no AWS credentials found: set AWS_PROFILE/);
  });

  it('render without a TARGET lists the targets', () => {
    expectOneLine(
      runFerry(['render', '--repo', repo]),
      /^ferry render: missing TARGET \(targets in \.github\/ferry\.yml: prod, staging\)/,
    );
  });

  it('sync without --revision says it is missing', () => {
    expectOneLine(
      runFerry(['sync', 'prod'], { cwd: repo }),
      /^ferry sync: missing --revision \(the full 40-character commit SHA to sync\)/,
    );
  });

  it('sync and preview with a branch or tag for --revision name the commit it is in this checkout', () => {
    const checkout = createTestRepo();
    checkout.write({ '.github/ferry.yml': 'targets:\n  - name: prod\n    path: k\n' });
    const sha = checkout.commit('one');
    checkout.git('tag', '-a', 'v1', '-m', 'v1');
    const named = checkout.dir;
    for (const [command, ref] of [
      ['sync', 'main'],
      ['preview', 'v1'],
    ] as const) {
      expectOneLine(
        runFerry([command, 'prod', '--revision', ref, '--repo', 'acme/models'], { cwd: named }),
        new RegExp(
          `^ferry ${command}: option '--revision' must be a full 40-character commit SHA \\(got '${ref}'; in .*${basename(named)} it names ${sha}: pass that once it is pushed\\)`,
        ),
      );
    }
    // A name git does not know, or one that would be an option to it: no hint.
    for (const ref of ['no-such-branch', '--all']) {
      expectOneLine(
        runFerry(['sync', 'prod', `--revision=${ref}`, '--repo', 'acme/models'], { cwd: named }),
        new RegExp(
          `^ferry sync: option '--revision' must be a full 40-character commit SHA \\(got '${ref}'\\)`,
        ),
      );
    }
    checkout.dispose();
  });

  it('diff outside a git repository says so, and how to name one, or with --repo how to make the folder one', () => {
    const plain = join(dir, 'not-a-repo');
    mkdirSync(plain, { recursive: true });
    expectOneLine(
      runFerry(['diff', '--base', 'main', '--head', 'HEAD'], { cwd: plain }),
      /^ferry diff: .*not-a-repo is not in a git repository; run ferry diff inside one, or pass --repo DIR \(see 'ferry diff --help'\)$/,
    );
    // --repo was passed: no telling to pass it.
    expectOneLine(
      runFerry(['diff', '--base', 'main', '--head', 'HEAD', '--repo', plain]),
      /^ferry diff: --repo .*not-a-repo is not a git repository \(nor inside one\), and ferry diff reads --base and --head from git: use a clone of the repository \(git clone\), or make this folder one \(git init, then commit\) \(see 'ferry diff --help'\)$/,
    );
  });

  it.each([
    ['validate', []],
    ['render', ['prod']],
    ['diff', ['--base', 'HEAD~1', '--head', 'HEAD']],
  ])('%s says a TMPDIR that does not exist is to fix, not a render that failed', (command, args) => {
    expectOneLine(
      runFerry([command, ...args], { cwd: repo, env: { TMPDIR: join(dir, 'no-such-tmp') } }),
      new RegExp(
        `^ferry ${command}: TMPDIR \\S*no-such-tmp does not exist: Ferry writes checkouts and renders there; set TMPDIR to a folder you can write, or unset it$`,
      ),
    );
  });

  it('diff without --base says it is missing', () => {
    expectOneLine(runFerry(['diff', '--head', 'HEAD', '--repo', repo]), /^ferry diff: missing --base \(/);
  });

  it('an option without its value', () => {
    expectOneLine(
      runFerry(['validate', '--format']),
      /^ferry validate: option '--format' needs a value \(see/,
    );
  });

  it('an unknown command, with a did-you-mean', () => {
    expectOneLine(runFerry(['valdate']), /^ferry: unknown command 'valdate' \(did you mean 'validate'\?\)/);
  });

  it('an option before any command is an unknown option, not an unknown command', () => {
    // It said: ferry: unknown command '--versio'.
    expectOneLine(
      runFerry(['--versio']),
      /^ferry: unknown option '--versio' \(did you mean '--version'\?\); options go after the command: ferry <command> \[options\] \(see 'ferry --help'\)$/,
    );
    expectOneLine(
      runFerry(['--repo', '.', 'validate']),
      /^ferry: unknown option '--repo'; options go after the command: ferry <command> \[options\]/,
    );
  });

  it('takes --version as most CLIs do: the versions, exit 0', () => {
    // It said: ferry: unknown command '--version' (did you mean 'version'?).
    const r = runFerry(['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ferry +\d+\.\d+\.\d+\n/);
  });

  it('preview against a cluster without the Preview CRD says to install the agent', async () => {
    const cluster = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    try {
      writeFileSync(join(dir, 'no-preview-crd.kubeconfig'), cluster.kubeconfig());
      const r = await runFerryAsync(
        ['preview', 'prod', '--revision', SHA, '--kubeconfig', join(dir, 'no-preview-crd.kubeconfig')],
        { cwd: repo },
      );
      expectOneLine(
        r,
        /^ferry preview: Preview prod-rev-a{12}: the Preview CRD \(previews\.ferry\.dev\) is not installed: kubectl apply -k infra\/agent/,
      );
    } finally {
      await cluster.close();
    }
  });

  it('serve --setup without an app.yml refuses to open an empty manifest', () => {
    expectOneLine(
      runFerry(['serve', '--setup'], { cwd: dir }),
      /^ferry serve: no app\.yml in .*: run 'ferry serve --setup' where/,
    );
  });

  it.each(['validate', 'render', 'diff', 'serve', 'sync', 'agent', 'version'])(
    'ferry %s words an unknown option the one way',
    (command) => {
      expectOneLine(
        runFerry([command, '--bogus']),
        new RegExp(`^ferry ${command}: unknown option '--bogus' \\(see 'ferry ${command} --help'\\)$`),
      );
    },
  );
});

describe('cluster problems read the same from sync, preview and agent', () => {
  /** The three commands that talk to a cluster, against the kubeconfig `file`. */
  const commands = (file: string) =>
    [
      ['sync', 'prod', '--revision', SHA, '--kubeconfig', file],
      ['preview', 'prod', '--revision', SHA, '--kubeconfig', file],
      ['agent', '--once', '--kubeconfig', file],
    ] as const;
  const agentEnv = { FERRY_REPOSITORIES: 'acme/models', GITHUB_TOKEN: 'not-a-real-token' };

  /** Runs each command against a fake API server set up by `arrange`, through `url` when given. */
  async function runAll(opts: {
    crds?: boolean;
    arrange?: (cluster: Awaited<ReturnType<typeof startKubeApiServer>>) => void;
    url?: (serverUrl: string) => string;
  }) {
    const cluster = await startKubeApiServer({
      crds: opts.crds === false ? [] : [loadSyncCrd()],
      namespaces: ['ferry-system'],
    });
    try {
      opts.arrange?.(cluster);
      const url = opts.url?.(cluster.url) ?? cluster.url;
      const file = join(dir, `cluster-${cluster.url.split(':').pop()}.kubeconfig`);
      writeFileSync(file, cluster.kubeconfig().replaceAll(cluster.url, url));
      const results = [];
      for (const args of commands(file)) {
        results.push({ command: args[0], ...(await runFerryAsync([...args], { cwd: repo, env: agentEnv })) });
      }
      return { url, results };
    } finally {
      await cluster.close();
    }
  }

  const ferryGroup = (r: { path: string }) => r.path.startsWith('/apis/ferry.dev');

  it('the agent says the Sync CRD is missing as sync says it', async () => {
    const { results } = await runAll({ crds: false });
    for (const r of results) {
      const kind = r.command === 'preview' ? 'Preview CRD \\(previews' : 'Sync CRD \\(syncs';
      expectOneLine(
        r,
        new RegExp(
          `^ferry ${r.command}: .*the ${kind}\\.ferry\\.dev\\) is not installed: kubectl apply -k infra/agent$`,
        ),
      );
    }
  });

  it('a server error: its address, status and reason', async () => {
    const { url, results } = await runAll({
      arrange: (c) => c.faults.failNext(100, { code: 500, match: ferryGroup }),
    });
    for (const r of results) {
      expectOneLine(
        r,
        new RegExp(
          `^ferry ${r.command}: the API server at ${url} answered HTTP 500 \\(InternalError\\): fake: injected failure; try again later`,
        ),
      );
    }
  });

  it('an HTML page where the API belongs: the address or the proxy', async () => {
    const { url, results } = await runAll({ arrange: (c) => c.faults.pageNext(100, { match: ferryGroup }) });
    for (const r of results) {
      expectOneLine(
        r,
        new RegExp(
          `^ferry ${r.command}: (?:\\S+ \\S+: )?the server at ${url} answered with an HTML page, not the Kubernetes API: check the server address`,
        ),
      );
    }
  });

  it('https:// in front of a plain-HTTP port: the TLS handshake', async () => {
    const { url, results } = await runAll({ url: (u) => u.replace('http://', 'https://') });
    for (const r of results) {
      expectOneLine(
        r,
        new RegExp(`^ferry ${r.command}: TLS handshake with ${url} failed: the address may be plain http`),
      );
    }
  });

  it('preview waits no longer for a silent server than its --timeout', async () => {
    const cluster = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    try {
      cluster.faults.hangNext(100, { ms: 20_000 });
      const file = join(dir, 'silent.kubeconfig');
      writeFileSync(file, cluster.kubeconfig());
      const started = Date.now();
      const r = await runFerryAsync(
        ['preview', 'prod', '--revision', SHA, '--kubeconfig', file, '--timeout', '1s'],
        { cwd: repo },
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expectOneLine(
        r,
        new RegExp(
          `^ferry preview: no answer from the API server at ${cluster.url} within 1s: check the server address`,
        ),
      );
    } finally {
      await cluster.close();
    }
  });
});

describe('a .github/ferry.yml with errors', () => {
  let broken: string;
  beforeAll(() => {
    broken = join(dir, 'broken-config');
    mkdirSync(join(broken, '.github'), { recursive: true });
    mkdirSync(join(broken, 'k'));
    writeFileSync(join(broken, 'k', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    // A key indented one space short: the file names `prod`, but it is not valid YAML.
    writeFileSync(
      join(broken, '.github', 'ferry.yml'),
      'targets:\n  - name: prod\n    path: k\n   branch: [\n',
    );
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: broken });
    execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme/models.git'], { cwd: broken });
  });

  const CONFIG_ERROR =
    /: \.github\/ferry\.yml:4: invalid YAML: .* \(and 1 more: ferry validate lists them\); fix \.github\/ferry\.yml first$/;

  it.each([
    ['render', ['render', 'prod']],
    ['validate --target', ['validate', '--target', 'prod']],
    ['preview', ['preview', 'prod', '--revision', SHA]],
  ])('%s names the first error and its line, not "no target \'prod\'"', (_, args) => {
    expectOneLine(runFerry(args, { cwd: broken }), CONFIG_ERROR);
  });

  it("render and sync refuse the fallback 'default' target rather than act on the whole repository", () => {
    expectOneLine(runFerry(['render', 'default'], { cwd: broken }), CONFIG_ERROR);
    const r = runFerry(
      ['sync', 'default', '--revision', SHA, '--kubeconfig', join(dir, 'closed.kubeconfig')],
      { cwd: broken },
    );
    expectOneLine(r, CONFIG_ERROR);
  });
});

describe('paths and repositories', () => {
  it('resolves PATHs against --repo when it is given', () => {
    const r = runFerry(['validate', '--repo', repo, 'k/cm.yaml', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).resources).toBe(1);
  });

  it('accepts any path from any folder, taking its git root as the repository', () => {
    const r = runFerry(['validate', join(repo, 'k', 'cm.yaml'), '--format', 'json'], { cwd: tmpdir() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).resources).toBe(1);
  });

  it('takes paths outside any repository and the current folder together, from the folder holding them', () => {
    const loose = join(dir, 'loose');
    mkdirSync(join(loose, 'a'), { recursive: true });
    mkdirSync(join(loose, 'b'), { recursive: true });
    const cm = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ml}\n`;
    writeFileSync(join(loose, 'a', 'one.yaml'), cm('one'));
    writeFileSync(join(loose, 'b', 'two.yaml'), cm('two'));
    const r = runFerry(['validate', join(loose, 'a'), join(loose, 'b', 'two.yaml'), '--format', 'json'], {
      cwd: repo,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).resources).toBe(2);
    expectOneLine(
      runFerry(['validate', join(loose, 'a'), join(loose, 'nowhere')], { cwd: repo }),
      /^ferry validate: .*nowhere: no such file or directory/,
    );
  });

  describe('git that cannot or will not read the repository', () => {
    let owned: string;
    beforeAll(() => {
      owned = join(dir, 'owned');
      mkdirSync(owned);
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: owned });
      git('init', '-q', '-b', 'main');
      writeFileSync(join(owned, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
      git('add', '-A');
      git('commit', '-qm', 'one');
    });
    // git's own test switch: it treats every repository as another user's (a CI container's checkout).
    const otherOwner = () => ({
      GIT_TEST_ASSUME_DIFFERENT_OWNER: '1',
      GIT_CONFIG_GLOBAL: join(dir, 'no-gitconfig'),
    });

    it("says how to trust a repository another user owns, and honours the user's safe.directory", () => {
      expectOneLine(
        runFerry(['diff', '--base', 'HEAD', '--head', 'HEAD', '--repo', owned], { env: otherOwner() }),
        /^ferry diff: git refuses to read \S*owned: another user owns it; run ferry as that user, or trust it with git config --global --add safe\.directory \S*owned$/,
      );
      const trust = join(dir, 'trust.gitconfig');
      writeFileSync(trust, `[safe]\n\tdirectory = ${realpathSync(owned)}\n`);
      const r = runFerry(['diff', '--base', 'HEAD', '--head', 'HEAD', '--repo', owned], {
        env: { ...otherOwner(), GIT_CONFIG_GLOBAL: trust },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    it('says that git is not installed', () => {
      const empty = join(dir, 'empty-bin');
      mkdirSync(empty, { recursive: true });
      expectOneLine(
        runFerry(['diff', '--base', 'HEAD', '--head', 'HEAD', '--repo', owned], { env: { PATH: empty } }),
        /^ferry diff: git is not installed here \(no git on PATH\): install git, or put it on PATH$/,
      );
    });
  });

  it('says in words that a diff affects no target', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('add', '-A');
    git('commit', '-qm', 'base');
    writeFileSync(join(repo, 'README.md'), 'docs only\n');
    git('add', '-A');
    git('commit', '-qm', 'docs');
    const r = runFerry(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--repo', repo]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(
      /^No targets affected: nothing between [0-9a-f]{7} and [0-9a-f]{7} is an input/,
    );
    // A path in a revision is a tree: said so in one line, not as git's failed command.
    expectOneLine(
      runFerry(['diff', '--base', 'HEAD:k', '--head', 'HEAD', '--repo', repo]),
      /^ferry diff: revision 'HEAD:k' names a folder \(a tree\), not a commit: give a branch, a tag or a commit SHA \(without ':k'\)$/,
    );
  });
});
