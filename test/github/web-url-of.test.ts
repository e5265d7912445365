import { describe, expect, it } from 'vitest';
import { webUrlOf } from '../../src/github/web-url-of.ts';

describe('webUrlOf', () => {
  it.each([
    ['https://api.github.com', 'https://github.com'],
    [undefined, 'https://github.com'],
    ['https://github.example.com/api/v3', 'https://github.example.com'],
    ['https://github.example.com/api/v3/', 'https://github.example.com'],
    ['http://ghe.internal:8080/api/v3', 'http://ghe.internal:8080'],
    ['https://api.acme.ghe.com', 'https://acme.ghe.com'],
    ['not a url', 'https://github.com'],
    ['file:///etc/passwd', 'https://github.com'],
  ])('turns the API root %s into the web URL %s', (api, web) => {
    expect(webUrlOf(api)).toBe(web);
  });
});
