import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderTarget } from '../../src/render/render-target.ts';
import { copyFixture, target } from './helpers.ts';

/**
 * helm validates the values against each chart's values.schema.json, and its JSON Schema compiler
 * loads what a `$ref`, `$dynamicRef` or `$schema` names: a local file or an http(s) URL (loopback is
 * never proxied). Its errors quote what it loaded: an `enum` in a file outside the repository.
 */
let chart: { root: string; cleanup: () => Promise<void> };
let outside: string;
let server: Server;
let requests: string[];
let url: string;

beforeEach(async () => {
  chart = await copyFixture('helm');
  outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
  await writeFile(
    join(outside, 'schema.json'),
    JSON.stringify({ type: 'object', properties: { replicas: { enum: ['SECRET-FROM-OUTSIDE'] } } }),
  );
  requests = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end(JSON.stringify({ properties: { replicas: { enum: ['SECRET-FROM-LOOPBACK'] } } }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((done) => server.close(done));
  await chart.cleanup();
  await rm(outside, { recursive: true, force: true });
});

const render = () => renderTarget({ root: chart.root, target: target({ path: 'chart' }) });

describe('a chart values schema loads no other document', () => {
  it.each([
    ['a file URL', '$ref', () => `file://${join(outside, 'schema.json')}`],
    [
      'a path relative to the working directory',
      '$ref',
      () => relative(chart.root, join(outside, 'schema.json')),
    ],
    ['a loopback URL', '$ref', () => `${url}/schema.json`],
    ['a $dynamicRef to a loopback URL', '$dynamicRef', () => `${url}/dynamic.json`],
  ])('refuses %s, naming the file, line and keyword, without running helm on it', async (_, key, value) => {
    const ref = value();
    await writeFile(
      join(chart.root, 'chart/values.schema.json'),
      `{\n  "type": "object",\n  "properties": {\n    "replicas": {"${key}": ${JSON.stringify(ref)}}\n  }\n}\n`,
    );
    const result = await render();
    expect(JSON.stringify(result)).not.toMatch(/SECRET-FROM/);
    expect(requests).toEqual([]);
    expect(result.failed).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'chart/values.schema.json',
        line: 4,
        message: `${key} ${JSON.stringify(ref)} loads another document, which helm would read from a file or the network; Ferry renders with neither: put what it names in this schema and refer to it as "#/…"`,
      }),
    ]);
  });

  it('refuses a $schema that is no JSON Schema draft, which helm would fetch', async () => {
    await writeFile(join(chart.root, 'chart/values.schema.json'), JSON.stringify({ $schema: `${url}/meta` }));
    const result = await render();
    expect(requests).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'chart/values.schema.json',
        message: expect.stringMatching(
          /^\$schema "http:\/\/127\.0\.0\.1:\d+\/meta" is not a JSON Schema draft helm knows/,
        ),
      }),
    ]);
  });

  it('refuses a reference in a vendored subchart, as a folder or a .tgz inside a .tgz', async () => {
    const build = await mkdtemp(join(tmpdir(), 'ferry-test-subchart-'));
    try {
      const schema = JSON.stringify({
        properties: { x: { $ref: `file://${join(outside, 'schema.json')}` } },
      });
      // inner-0.1.0.tgz inside outer-0.1.0.tgz, inside the chart's charts/.
      for (const name of ['inner', 'outer']) {
        await mkdir(join(build, name, 'charts'), { recursive: true });
        await writeFile(join(build, name, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
        await writeFile(join(build, name, 'values.schema.json'), name === 'inner' ? schema : '{}');
      }
      await createTar({ gzip: true, cwd: build, file: join(build, 'outer/charts/inner-0.1.0.tgz') }, [
        'inner',
      ]);
      await mkdir(join(chart.root, 'chart/charts/local'), { recursive: true });
      await createTar({ gzip: true, cwd: build, file: join(chart.root, 'chart/charts/outer-0.1.0.tgz') }, [
        'outer',
      ]);
      await writeFile(
        join(chart.root, 'chart/charts/local/Chart.yaml'),
        'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      );
      await writeFile(join(chart.root, 'chart/charts/local/values.schema.json'), schema);
      const result = await render();
      expect(JSON.stringify(result)).not.toMatch(/SECRET-FROM/);
      expect(result.findings.map((f) => f.file)).toEqual([
        'chart/charts/local/values.schema.json',
        'chart/charts/outer-0.1.0.tgz/outer/charts/inner-0.1.0.tgz/inner/values.schema.json',
      ]);
    } finally {
      await rm(build, { recursive: true, force: true });
    }
  });

  it('reads no more of a vendored archive than helm loads (100 MiB): a gzip bomb is refused', async () => {
    await mkdir(join(chart.root, 'chart/charts'));
    await writeFile(
      join(chart.root, 'chart/charts/bomb-0.1.0.tgz'),
      gzipSync(Buffer.alloc(101 * 1024 * 1024)),
    );
    const result = await render();
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'chart/charts/bomb-0.1.0.tgz',
        message: 'chart archive decompresses past 100 MiB, more than helm loads; refusing to render',
      }),
    ]);
  });

  it('renders a schema that refers only within itself, under a draft meta-schema', async () => {
    await writeFile(
      join(chart.root, 'chart/values.schema.json'),
      JSON.stringify({
        $schema: 'https://json-schema.org/draft-07/schema#',
        $id: `${url}/values.schema.json`,
        definitions: { count: { type: 'integer' } },
        properties: { replicas: { $ref: '#/definitions/count' } },
      }),
    );
    const result = await render();
    expect(result.findings).toEqual([]);
    expect(result.failed).toBe(false);
    expect(requests).toEqual([]);
  });
});
