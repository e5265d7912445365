import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  codeSpan,
  escapeHtml,
  escapeMarkdown,
  formatCount,
  formatDuration,
  link,
  safeUrl,
} from '../../src/report/markdown.ts';

describe('markdown helpers', () => {
  it('escapes HTML and Markdown in user text so it renders as text', () => {
    expect(escapeMarkdown('</details><script>alert(1)</script>')).toBe(
      '&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(escapeMarkdown('a *b* _c_ [d](e) `f` | g ~h~')).toBe(
      'a \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` \\| g \\~h\\~',
    );
    expect(escapeMarkdown('line one\nline two')).toBe('line one line two');
    expect(escapeHtml('<b>"x"</b>')).toBe('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
  });

  it('breaks @mentions but leaves image digests and emails readable', () => {
    expect(escapeMarkdown('ping @acme/admins')).toBe('ping @\u200bacme/admins');
    expect(escapeMarkdown('app@sha256:abc')).toBe('app@sha256:abc');
  });

  it('fences code with more backticks than any run inside', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x')).toBe('`` `x ``');
    expect(codeBlock('x\n```\ny\n', 'diff')).toBe('````diff\nx\n```\ny\n````');
    expect(codeBlock('plain')).toBe('```\nplain\n```');
  });

  it('only links http(s) URLs, with characters that could close the link encoded', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('https://x.test/a (b)')).toBe('https://x.test/a%20%28b%29');
    expect(link('run', 'ftp://x')).toBe('run');
    expect(link('run', 'https://x.test/r')).toBe('[run](https://x.test/r)');
  });

  it('formats counts and durations the same on every locale', () => {
    expect(formatCount(65536)).toBe('65,536');
    expect(formatCount(999)).toBe('999');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });
});
