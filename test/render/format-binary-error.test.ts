import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBinaryError } from '../../src/render/format-binary-error.ts';

const root = '/tmp/ferry-src-abc123';

describe('formatBinaryError', () => {
  it.each([
    [
      'helm execution error',
      'Error: execution error at (app/templates/x.yaml:1:3): boom\n\nUse --debug flag to render out invalid YAML\n',
      'execution error at (app/templates/x.yaml:1:3): boom',
    ],
    [
      'helm multi-line nil pointer',
      'Error: app/templates/bad.yaml:5:18\n  executing "app/templates/bad.yaml" at <.Values.missing.field>:\n    nil pointer evaluating interface {}.field\n\nUse --debug flag to render out invalid YAML\n',
      'app/templates/bad.yaml:5:18 executing "app/templates/bad.yaml" at <.Values.missing.field>: nil pointer evaluating interface {}.field',
    ],
    [
      'helm symlink warnings before the error',
      'walk.go:75: found symbolic link in path: /x resolves to /y\nError: parse error at (app/templates/f.yaml:1): missing value for if\n',
      'parse error at (app/templates/f.yaml:1): missing value for if',
    ],
    [
      'kustomize with absolute paths',
      `error: accumulating resources: accumulation err='accumulating resources from '${root}/deploy/x.yaml': open ${root}/deploy/x.yaml: permission denied'\n`,
      "accumulating resources: accumulation err='accumulating resources from 'deploy/x.yaml': open deploy/x.yaml: permission denied'",
    ],
    [
      "helm's values-schema violations, in the order of Go's map iteration (sorted, per chart)",
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\napp:\n- at '/replicaCount': got string, want integer\n- at '/image/tag': got number, want string\ndb:\n- at '/port': got string, want integer\n- at '/host': got number, want string\n",
      "values don't meet the specifications of the schema(s) in the following chart(s): app: - at '/image/tag': got number, want string - at '/replicaCount': got string, want integer db: - at '/host': got number, want string - at '/port': got string, want integer",
    ],
    ['nothing at all', '\n\n', 'exited with code 3'],
  ])('cleans %s', (_name, stderr, expected) => {
    expect(formatBinaryError(stderr, { root, code: 3 })).toBe(expected);
  });

  it('always yields one bounded line without the repository root (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constant(root), fc.constant('\n'))), (parts) => {
        const message = formatBinaryError(parts.join(''), { root, code: 1 });
        expect(message).not.toContain('\n');
        expect(message).not.toContain(root);
        expect(message.length).toBeGreaterThan(0);
        expect(message.length).toBeLessThanOrEqual(400);
      }),
    );
  });
});
