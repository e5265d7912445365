import { describe, expect, it } from 'vitest';
import {
  isValidReleaseName,
  releaseNameForFolder,
  releaseNameProblem,
} from '../../src/render/release-name.ts';

describe('release names', () => {
  it.each([
    ['otwld+ollama-helm', 'otwld-ollama-helm'],
    ['My_Chart', 'my-chart'],
    ['chart.v2', 'chart-v2'],
    ['--llm--', 'llm'],
    ['_', 'release-name'],
    ['模型', 'release-name'],
    [`${'a'.repeat(52)}_b`, 'a'.repeat(52)],
    ['vllm', 'vllm'],
  ])('makes a release name helm takes of the folder %s: %s', (folder, name) => {
    expect(releaseNameForFolder(folder)).toBe(name);
    expect(isValidReleaseName(releaseNameForFolder(folder))).toBe(true);
  });

  it("says why helm refuses a target's name, and the setting that fixes it", () => {
    expect(releaseNameProblem('a'.repeat(53))).toBeUndefined();
    expect(releaseNameProblem('a'.repeat(54))).toBe(
      `Helm refuses the release name "${'a'.repeat(54)}" (54 characters, and Helm takes at most 53): a target's release name is its name unless helm.releaseName sets one; set helm.releaseName for this target in .github/ferry.yml, or shorten its name`,
    );
    expect(releaseNameProblem('Prod')).toMatch(
      /^Helm refuses the release name "Prod" \(not a lower-case DNS name\)/,
    );
  });
});
