/**
 * One command run to its exit code, its errors said as the CLI says them. Apart from main.ts (which
 * knows every command and loads each lazily) so that one command's CommonJS bundle (Node 20, see
 * command-bundle.ts) holds this and its command, and nothing of the others.
 */
import { checkTempDir } from './check-temp-dir.ts';
import { describeCliError } from './describe-cli-error.ts';
import { toTerminal } from './to-terminal.ts';

export type Command = (argv: string[]) => Promise<number>;

/** Commands that only talk to a cluster, and write no temporary files. */
const WRITES_NO_TEMP = new Set(['sync', 'preview']);

const ISSUES_URL = 'https://github.com/ferry-dev/ferry/issues';

/** Runs command `name` (loaded by `load`) on `rest`: 0 ok, 1 findings with errors, 2 usage or I/O problems. */
export async function runCommand(
  name: string,
  rest: string[],
  load: () => Promise<Command>,
): Promise<number> {
  try {
    const help = rest.includes('--help') || rest.includes('-h');
    if (!help && !WRITES_NO_TEMP.has(name)) checkTempDir();
    return await (await load())(rest);
  } catch (err) {
    const described = describeCliError(err, name);
    const { internal } = described;
    // An error can quote a path or a URL from the repository or the environment.
    const message = toTerminal(described.message);
    if (!internal) {
      // User mistakes and environment problems: one line saying what to do, exit 2, never a stack.
      console.error(`ferry ${name}: ${message}`);
      return 2;
    }
    // Our bug: still one line by default; FERRY_DEBUG=1 shows the stack.
    console.error(`ferry ${name}: internal error: ${message}`);
    if (process.env.FERRY_DEBUG === '1' && err instanceof Error) console.error(err.stack);
    else console.error(`(a bug in Ferry: please report it with FERRY_DEBUG=1's output at ${ISSUES_URL})`);
    return 2;
  }
}
