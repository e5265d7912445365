// What both diff floors do first (bench/floors/diff-floor.mjs, diff-least.mjs): extract each revision
// with git archive | tar and render the target the cheapest way there is (plain: the files' text;
// kustomize: `kubectl kustomize`; helm: `helm template`), handing each side's texts on.
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RENDER_LIMITS } from '../../src/render/renderer.ts';
import { resolveBinary } from '../../src/render/resolve-binaries.ts';
import { goMemorySettings } from '../../src/render/run-binary.ts';

/**
 * `goSettings`: run kubectl and helm with the Go memory settings Ferry gives them under the default
 * render cap where memory is not constrained (goMemorySettings: GOGC=200 under GOMEMLIMIT) instead of
 * Go's defaults.
 * @param {{ repo: string, revisions: string[], dir: string, kind: string, goSettings?: boolean }} opts
 * @param {(side: number, file: string, text: string) => void} onText
 */
export function renderSides(opts, onText) {
  const { repo, revisions, dir, kind, goSettings } = opts;
  const env = goSettings
    ? { ...process.env, ...goMemorySettings(DEFAULT_RENDER_LIMITS.maxMemoryBytes, undefined) }
    : process.env;
  const out = mkdtempSync(join(tmpdir(), 'ferry-diff-floor-'));
  try {
    revisions.forEach((rev, side) => {
      const tree = join(out, String(side));
      mkdirSync(tree);
      execSync(`git -C '${repo}' archive ${rev} | tar -x -C '${tree}'`);
      const target = join(tree, dir);
      const run = (binary, args) =>
        execFileSync(resolveBinary(binary).path, args, { maxBuffer: 1 << 30, env }).toString();
      if (kind === 'kustomize') onText(side, 'kustomize', run('kubectl', ['kustomize', target]));
      else if (kind === 'helm') onText(side, 'helm', run('helm', ['template', 'app', target]));
      else {
        for (const f of readdirSync(target).filter((f) => f.endsWith('.yaml'))) {
          onText(side, f, readFileSync(join(target, f), 'utf8'));
        }
      }
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
