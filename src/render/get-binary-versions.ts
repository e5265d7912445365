import { createSandbox } from './create-sandbox.ts';
import { resolveBinaries } from './resolve-binaries.ts';
import { runBinary } from './run-binary.ts';

export interface BinaryVersions {
  kubectl: string;
  /** The kustomize built into kubectl (`kubectl kustomize`). */
  kustomize: string;
  helm: string;
}

const LIMITS = { timeoutMs: 20_000, maxOutputBytes: 1024 * 1024 };

/** Versions of the kubectl, kustomize and helm that render, e.g. `v1.35.2`, `v5.7.1`, `v4.1.4`. */
export async function getBinaryVersions(env: NodeJS.ProcessEnv = process.env): Promise<BinaryVersions> {
  const binaries = resolveBinaries(env);
  const sandbox = await createSandbox();
  try {
    const run = async (file: string, args: string[]) => {
      const outcome = await runBinary({
        file,
        args,
        cwd: sandbox.env.HOME ?? '/',
        env: sandbox.env,
        ...LIMITS,
      });
      if (outcome.kind !== 'exited' || outcome.code !== 0) {
        const detail =
          outcome.kind === 'exited' ? outcome.stderr.trim() || `exit ${outcome.code}` : outcome.kind;
        throw new Error(`${file} ${args.join(' ')} failed: ${detail}`);
      }
      return outcome.stdout;
    };
    const [kubectlJson, helm] = await Promise.all([
      run(binaries.kubectl, ['version', '--client', '--output=json']),
      run(binaries.helm, ['version', '--template', '{{.Version}}']),
    ]);
    const parsed = JSON.parse(kubectlJson) as {
      clientVersion?: { gitVersion?: string };
      kustomizeVersion?: string;
    };
    return {
      kubectl: parsed.clientVersion?.gitVersion ?? 'unknown',
      kustomize: parsed.kustomizeVersion ?? 'unknown',
      helm: helm.trim() || 'unknown',
    };
  } finally {
    await sandbox.dispose();
  }
}
