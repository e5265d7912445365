// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the text this rule is about.
import { asArray, asRecord, asString } from '../../manifest/as-record.ts';
import { listContainers } from '../../manifest/list-pod-specs.ts';
import { formatResourceId } from '../../manifest/resource-id.ts';
import type { Rule, RuleFinding } from '../rule.ts';

/** A whole value that is a shell-style reference: `$NAME` or `${NAME}`. */
const SHELL_REFERENCE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;
/** Programs that expand `$NAME` themselves when they run a command line. */
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

function referencedName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = SHELL_REFERENCE.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The program a container's `command` runs, by its base name; undefined without a command. */
function programOf(command: readonly unknown[]): string | undefined {
  const first = asString(command[0]);
  return first === undefined ? undefined : first.slice(first.lastIndexOf('/') + 1);
}

/**
 * A value written as a shell reference (`$HF_TOKEN`, `${HF_TOKEN}`) that reaches the container as that
 * literal text. Kubernetes expands only `$(NAME)` in `env[].value`, `command` and `args` (kubelet
 * `expandContainerCommandAndArgs`, `third_party/forked/golang/expansion`), and a render has already
 * run: nothing else substitutes it before the apply (Ferry runs no envsubst, nor Flux's postBuild
 * substitution). Checked in `env[].value` always, and in `command`/`args` when the container's
 * `command` names a program that is not a shell (without a command the image's entrypoint, which may
 * be a shell, receives the arguments; a shell expands them itself).
 */
export const envReferenceRule: Rule = {
  id: 'env-reference',
  severity: 'warning',
  description: 'A $NAME or ${NAME} value is passed literally: Kubernetes expands only $(NAME).',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      for (const ref of listContainers(resource.object, { ephemeral: true })) {
        // Described only for a finding: most containers have none.
        const where = () => `${ref.name} in ${formatResourceId(resource.id)}`;
        asArray(ref.container.env).forEach((item, i) => {
          const env = asRecord(item);
          const name = referencedName(env?.value);
          if (!env || !name) return;
          findings.push({
            resource,
            path: [...ref.path, 'env', i, 'value'],
            message: `env ${asString(env.name) ?? `[${i}]`} of ${where()} is the literal text '${env.value}': Kubernetes expands only $(NAME), of variables defined before it, and nothing substitutes it before the apply; take the value from a Secret (valueFrom.secretKeyRef) or write it in`,
          });
        });
        const command = asArray(ref.container.command);
        const program = programOf(command);
        if (program === undefined || SHELLS.has(program)) continue;
        for (const field of ['command', 'args'] as const) {
          asArray(ref.container[field]).forEach((arg, i) => {
            const name = referencedName(arg);
            if (!name) return;
            findings.push({
              resource,
              path: [...ref.path, field, i],
              message: `${field}[${i}] of ${where()} is the literal text '${arg}': no shell runs it (the command is ${program}) and Kubernetes expands only $(NAME); write $(${name}) to pass the container's env var ${name}`,
            });
          });
        }
      }
    }
    return findings;
  },
};
