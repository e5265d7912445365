#!/usr/bin/env node
// `npm run demo`: Ferry on the bundled example, as a user would see it.
//  1. validate every target of examples/classifier (kustomize overlays and a Helm chart)
//  2. validate the seed document's broken manifests (must fail: `meta:`, `:latest`)
//  3. a model-upgrade PR in a throwaway git repo, previewed as the App would comment on it
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ferryBin = join(root, 'bin', 'ferry.js');
const color = process.stdout.isTTY ? ['--color'] : [];

function heading(text) {
  console.log(`\n\x1b[1m━━ ${text}\x1b[0m\n`);
}

function ferry(args, { expect }) {
  console.log(`$ ferry ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [ferryBin, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== expect) {
    console.error(`demo: 'ferry ${args.join(' ')}' exited ${r.status}, expected ${expect}`);
    process.exit(1);
  }
}

function git(cwd, args) {
  const r = spawnSync('git', ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`demo: git ${args.join(' ')} failed: ${r.stderr.trim()}`);
    process.exit(1);
  }
  return r.stdout.trim();
}

function applyUpgrade(repo) {
  const upgrade = JSON.parse(readFileSync(join(root, 'examples/model-upgrade/upgrade.json'), 'utf8'));
  for (const edit of upgrade.edits) {
    const file = join(repo, edit.file);
    let text = readFileSync(file, 'utf8');
    if (edit.replace) {
      const [from, to] = edit.replace;
      if (!text.includes(from)) throw new Error(`${edit.file}: expected text not found: ${from}`);
      text = text.replace(from, to);
    }
    if (edit.append) text += edit.append;
    writeFileSync(file, text);
  }
  return upgrade.message;
}

heading('1. The example AI system: every target rendered and validated');
ferry(['version'], { expect: 0 });
ferry(['validate', '--repo', 'examples/classifier', ...color], { expect: 0 });

heading("2. The seed document's manifests: the mistakes Ferry's PR check exists to catch");
ferry(['validate', 'examples/seed/kubernetes', ...color], { expect: 1 });

heading('3. A model-upgrade pull request, previewed');
const repo = mkdtempSync(join(tmpdir(), 'ferry-demo-'));
try {
  cpSync(join(root, 'examples/classifier'), repo, { recursive: true });
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'classifier: model v1 in staging and production']);
  git(repo, ['checkout', '-q', '-b', 'model-v2']);
  const message = applyUpgrade(repo);
  git(repo, ['commit', '-q', '-am', message]);
  console.log(`PR: "${message}" (main → model-v2) in ${repo}\n`);
  ferry(['diff', '--repo', repo, '--base', 'main', '--head', 'model-v2', ...color], { expect: 0 });

  heading('The sticky comment the GitHub App posts for that PR (ferry diff --format markdown)');
  ferry(['diff', '--repo', repo, '--base', 'main', '--head', 'model-v2', '--format', 'markdown'], {
    expect: 0,
  });
} finally {
  rmSync(repo, { recursive: true, force: true });
}
console.log('\ndemo: done');
