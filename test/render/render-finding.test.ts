import { describe, expect, it } from 'vitest';
import { renderThrew, UnreadableInputError } from '../../src/render/render-finding.ts';

describe('renderThrew', () => {
  const at = { root: '/repo', label: 'deploy', renderer: 'plain' as const };

  it('keeps a file that cannot be parsed or read for other reasons as a failed render of its target', () => {
    const result = renderThrew(Object.assign(new Error('EISDIR: illegal operation'), { code: 'EISDIR' }), at);
    expect(result.failed).toBe(true);
    expect(result.findings.map((f) => f.message)).toEqual(['render failed: EISDIR: illegal operation']);
  });

  it('says in one line that this user may not read a file, rather than failing the target as if its YAML were wrong', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/repo/deploy/secret.yaml'"), {
      code: 'EACCES',
      path: '/repo/deploy/secret.yaml',
    });
    expect(() => renderThrew(denied, at)).toThrow(UnreadableInputError);
    expect(() => renderThrew(denied, at)).toThrow(
      'deploy/secret.yaml: permission denied: this user cannot read it; fix its permissions (chmod), or run ferry as a user who can',
    );
  });
});
