import { getBinaryVersions } from '../../render/get-binary-versions.ts';
import { type BinaryName, type BinarySource, resolveBinary } from '../../render/resolve-binaries.ts';
import { oneLine } from '../describe-cli-error.ts';
import { getFerryVersion } from '../get-ferry-version.ts';
import { parseArgs } from '../parse-args.ts';

const SOURCE_LABEL: Record<BinarySource, string> = {
  env: 'from FERRY_KUBECTL/FERRY_HELM',
  package: 'from node_modules/.ferry/bin',
  layer: 'from the Lambda layer',
  path: 'from PATH',
};

const USAGE =
  'usage: ferry version\n\nPrints the versions of ferry, kubectl, kustomize and helm, and where each binary was found.';

/**
 * `ferry version`: the versions on stdout, exit 0, when both binaries are usable. A binary that is
 * missing or broken is the environment's problem: said on stderr, one line each, with what to do, and
 * exit 2 (Ferry's version is still printed first).
 */
export async function versionCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs(argv, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  console.log(`ferry      ${await getFerryVersion()}`);
  const where: Partial<Record<BinaryName, string>> = {};
  let ok = true;
  for (const name of ['kubectl', 'helm'] as const) {
    try {
      const found = resolveBinary(name);
      where[name] = `${found.path} (${SOURCE_LABEL[found.source]})`;
    } catch (err) {
      ok = false;
      console.error(`ferry version: ${name}: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
  }
  if (!ok) return 2;
  try {
    const versions = await getBinaryVersions();
    console.log(`kubectl    ${versions.kubectl}  ${where.kubectl}`);
    console.log(`kustomize  ${versions.kustomize}  (built into kubectl)`);
    console.log(`helm       ${versions.helm}  ${where.helm}`);
    return 0;
  } catch (err) {
    console.error(
      `ferry version: ${oneLine(err instanceof Error ? err.message : String(err))}; check FERRY_KUBECTL and FERRY_HELM, or reinstall with npm ci (README, Quick start)`,
    );
    return 2;
  }
}
