import { describe, expect, test } from 'vitest';
import { FakeGitHub } from './fake-github.ts';
import { loadOpenApiChecker } from './openapi-check.ts';

const checker = loadOpenApiChecker();
const check = (method: string, url: string, body?: unknown) => checker.check({ method, url, body });

describe("checking requests against GitHub's OpenAPI description", () => {
  test('accepts the requests the App sends, naming their operations', () => {
    const sha = 'a'.repeat(40);
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/repos/o/r/check-runs',
        { name: 'Ferry', head_sha: sha, status: 'in_progress' },
        'checks/create',
      ],
      [
        'GET',
        `/repos/o/r/commits/${sha}/check-runs?check_name=Ferry&filter=all&per_page=100`,
        undefined,
        'checks/list-for-ref',
      ],
      [
        'GET',
        `/repos/o/r/compare/${sha}...${sha}?per_page=1`,
        undefined,
        'repos/compare-commits-with-basehead',
      ],
      ['GET', `/repos/o/r/tarball/${sha}`, undefined, 'repos/download-tarball-archive'],
      ['GET', '/repos/o/r/contents/.github%2Fferry.yml?ref=main', undefined, 'repos/get-content'],
      ['PATCH', '/repos/o/r/issues/comments/7', { body: 'hi' }, 'issues/update-comment'],
      [
        'POST',
        '/repos/o/r/deployments/5/statuses',
        { state: 'queued', description: 'x' },
        'repos/create-deployment-status',
      ],
    ];
    for (const [method, url, body, operationId] of cases) {
      expect(check(method, url, body)).toEqual(expect.objectContaining({ operationId, problems: [] }));
    }
  });

  test('rejects paths and methods GitHub does not have', () => {
    expect(check('GET', '/repos/o/r/check-run/1').problems).toEqual([
      "GET /repos/o/r/check-run/1: no such path in GitHub's REST API",
    ]);
    expect(check('DELETE', '/repos/o/r/check-runs/1').problems[0]).toContain('but not for this method');
  });

  test('rejects bodies GitHub would answer 422: bad enum, missing or misspelt field, too many annotations', () => {
    const annotation = {
      path: 'a.yaml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      message: 'm',
    };
    expect(
      check('POST', '/repos/o/r/check-runs', { name: 'Ferry', head_sha: 'a', status: 'running' }).problems,
    ).toEqual([
      'POST /repos/o/r/check-runs (checks/create): body.status: "running" is not one of ["queued","in_progress","completed"]',
    ]);
    expect(check('POST', '/repos/o/r/check-runs', { name: 'Ferry', head_sh: 'a' }).problems).toEqual([
      "POST /repos/o/r/check-runs (checks/create): body: missing required property 'head_sha'",
      "POST /repos/o/r/check-runs (checks/create): body: unknown property 'head_sh'",
    ]);
    const tooMany = check('PATCH', '/repos/o/r/check-runs/1', {
      output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, () => annotation) },
    });
    expect(tooMany.problems).toEqual([
      'PATCH /repos/o/r/check-runs/1 (checks/update): body.output.annotations: more than maxItems 50 (51)',
    ]);
  });

  test('applies anyOf rules across fields: completing a check run needs a conclusion', () => {
    expect(check('PATCH', '/repos/o/r/check-runs/1', { status: 'completed' }).problems[0]).toContain(
      "missing required property 'conclusion'",
    );
  });

  test('checks path parameters and query strings', () => {
    expect(check('PATCH', '/repos/o/r/check-runs/abc', { conclusion: 'success' }).problems).toEqual([
      'path.check_run_id: expected integer, got string',
    ]);
    expect(check('GET', '/repos/o/r/issues/1/comments?per_page=100&sort=up').problems).toEqual([
      "GET /repos/o/r/issues/1/comments: unknown query parameter 'sort'",
    ]);
    expect(check('GET', '/repos/o/r/deployments?per_page=many').problems).toEqual([
      'query.per_page: expected integer, got string',
    ]);
  });

  test('checks the shape of GraphQL requests only (the GraphQL schema is not in @octokit/openapi)', () => {
    expect(
      check('POST', '/graphql', { query: 'mutation { revertPullRequest(input: {}) { clientMutationId } }' })
        .problems,
    ).toEqual([]);
    expect(check('POST', '/graphql', { query: 'mutation { mergePullRequest }' }).problems).toEqual([
      'GraphQL query uses none of the expected operations revertPullRequest',
    ]);
    expect(check('POST', '/graphql', { variables: {} }).problems).toEqual([
      'GraphQL body needs a string `query`',
    ]);
  });

  test('the fake GitHub answers an unacceptable request like GitHub, and assertClean fails the test', () => {
    const gh = new FakeGitHub();
    const response = gh.handle('POST', '/repos/acme/ml-platform/check-runs', { name: 'Ferry' });
    expect(response.status).toBe(422);
    expect(() => gh.assertClean()).toThrow("missing required property 'head_sha'");
  });
});
