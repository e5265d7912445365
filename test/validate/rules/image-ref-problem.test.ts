import { describe, expect, it } from 'vitest';
import { imageRefProblem } from '../../../src/validate/rules/image-ref-problem.ts';

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('imageRefProblem (the Docker reference grammar the kubelet parses)', () => {
  it.each([
    'nginx',
    'nginx:1.27',
    'nginx:latest',
    'library/nginx:1.27-alpine',
    'my_org/my-app__x:v1.0_rc-1',
    'nvcr.io/nvidia/tritonserver:24.05-py3',
    'registry:5000/team/app',
    'localhost/app:1',
    'localhost:5000/app:1',
    '[::1]:5000/app:1',
    `my-image@sha256:${SHA}`,
    `my-image:1.2@sha256:${SHA}`,
    `ghcr.io/acme/server@sha512:${'a'.repeat(128)}`,
    'Registry.Example.COM/app:1',
  ])('accepts %s', (image) => {
    expect(imageRefProblem(image)).toBeUndefined();
  });

  it.each([
    ['nginx@latest', 'has "@latest", which is not a digest'],
    ['nginx:', "ends in ':' with no tag after it"],
    ['nginx@sha256:abc', 'has a sha256 digest that is not 64 lowercase hex digits'],
    [`nginx@sha256:${SHA.toUpperCase()}`, 'not 64 lowercase hex digits'],
    [`nginx@md5:${SHA}`, 'unsupported algorithm "md5"'],
    ['Nginx:1.27', '"Nginx" in its repository name, which must be lowercase'],
    ['acme/My-App:1', '"My-App" in its repository name, which must be lowercase'],
    ['nginx:-bad', 'has an invalid tag "-bad"'],
    [`nginx:${'a'.repeat(129)}`, 'has an invalid tag'],
    ['team//app:1', 'has an empty path component'],
    ['app-:1', '"app-" in its repository name'],
    ['registry.example.com:http/app:1', 'invalid port'],
    ['bad_host.example.com/app:1', 'invalid registry name'],
    [':1.0', 'has no repository name'],
    ['nginx :1.0', 'contains whitespace'],
    [SHA, 'is a 64-hex-digit image ID'],
    [`${'a'.repeat(256)}:1`, 'longer than 255 characters'],
  ])('refuses %s', (image, problem) => {
    expect(imageRefProblem(image)).toContain(problem);
  });
});
