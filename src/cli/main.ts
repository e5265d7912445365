/**
 * `ferry` entry point: dispatches to one module per command. Exit codes:
 * 0 ok (warnings allowed), 1 findings with errors, 2 usage or I/O problems.
 */
import { closestMatch } from '../manifest/closest-match.ts';
import { type Command, runCommand } from './run-command.ts';
import { toTerminal } from './to-terminal.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: 'render and validate targets or paths',
    load: async () => (await import('./commands/validate.ts')).validateCommand,
  },
  render: {
    summary: 'print the rendered resources of a target',
    load: async () => (await import('./commands/render.ts')).renderCommand,
  },
  diff: {
    summary: 'preview what a change does, base vs head',
    load: async () => (await import('./commands/diff.ts')).diffCommand,
  },
  serve: {
    summary: 'run the GitHub App as a Node server',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  sync: {
    summary: 'signal a target to sync a revision',
    load: async () => (await import('./commands/sync.ts')).syncCommand,
  },
  preview: {
    summary: "ask a target's cluster for a live check of a revision",
    load: async () => (await import('./commands/preview.ts')).previewCommand,
  },
  agent: {
    summary: 'run the in-cluster agent',
    load: async () => (await import('./commands/agent.ts')).agentCommand,
  },
  version: {
    summary: 'print versions of ferry, kubectl and helm',
    load: async () => (await import('./commands/version.ts')).versionCommand,
  },
};

/** What `ferry` takes before a command: its own help and version. */
const TOP_LEVEL_OPTIONS = ['--help', '--version', '-h'];

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: ferry <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'ferry <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [given, ...rest] = argv;
  // `ferry --version` as most CLIs take it (helm, kubectl version, argocd version).
  const name = given === '--version' ? 'version' : given;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command && name.startsWith('-')) {
    // An option before any command: the options `ferry` itself takes are these.
    const close = closestMatch(name, TOP_LEVEL_OPTIONS);
    console.error(
      `ferry: unknown option '${toTerminal(name)}'${close ? ` (did you mean '${close}'?)` : ''}; options go after the command: ferry <command> [options] (see 'ferry --help')`,
    );
    return 2;
  }
  if (!command) {
    const close = closestMatch(name, Object.keys(COMMANDS));
    console.error(
      `ferry: unknown command '${toTerminal(name)}'${close ? ` (did you mean '${close}'?)` : ''} (see 'ferry --help')`,
    );
    return 2;
  }
  return runCommand(name, rest, command.load);
}
