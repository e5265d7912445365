/**
 * The web URL of the GitHub server whose REST API is at `apiBaseUrl`, for links people open:
 * `https://api.github.com` → `https://github.com`; GitHub Enterprise Server's `<proto>://<host>/api/v3`
 * → `<proto>://<host>`; GHE.com's `https://api.<sub>.ghe.com` → `https://<sub>.ghe.com`. Pure.
 */
export function webUrlOf(apiBaseUrl: string | undefined): string {
  if (!apiBaseUrl) return 'https://github.com';
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    // Not a URL: Octokit would have refused it already; links fall back to github.com.
    return 'https://github.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'https://github.com';
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/api/v3')) return `${url.origin}${path.slice(0, -'/api/v3'.length)}`;
  if (url.hostname.startsWith('api.')) return `${url.protocol}//${url.host.slice('api.'.length)}`;
  return `${url.origin}${path}`;
}
