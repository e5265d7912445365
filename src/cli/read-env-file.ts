import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './usage-error.ts';

/**
 * Loads a `.env` file into process.env (the real environment wins), as Probot does, after checking
 * what Node's parser would silently skip or misread: a line that is not `KEY=value` (a YAML-style
 * `APP_ID: 1` left every variable "missing"), a quoted value that never closes (`WEBHOOK_SECRET="abc`
 * started the server with the wrong secret). A folder named `.env` is said as such (Node's message was
 * "Contents of '.env' should be a valid string"). Each is a UsageError naming the line.
 */
export function loadEnvFile(file: string): void {
  if (statSync(file).isDirectory()) {
    throw new UsageError(
      `${file} is a folder: ferry serve reads variables from a file named ${file}; rename it`,
    );
  }
  const problem = envFileProblem(readFileSync(file, 'utf8'));
  if (problem) throw new UsageError(`${file}: ${problem}`);
  process.loadEnvFile(file);
}

/** The first line of a .env text that is not `KEY=value`, a comment or blank, described; else undefined. */
export function envFileProblem(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!assignment) {
      const yamlStyle = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*(.*)$/.exec(line);
      return yamlStyle
        ? `line ${i + 1} is not KEY=value: write ${yamlStyle[1]}=${yamlStyle[2]}`
        : `line ${i + 1} is not KEY=value (a variable name, '=', its value)`;
    }
    const [, name, value] = assignment as unknown as [string, string, string];
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    // A quoted value closes on its line, or (a key written by `ferry serve --setup`) on a later one.
    if (value.indexOf(quote, 1) > 0) continue;
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).includes(quote)) end++;
    if (end === lines.length) {
      return `line ${i + 1}: the value of ${name} opens a ${quote} quote that never closes; close it`;
    }
    i = end;
  }
  return undefined;
}
