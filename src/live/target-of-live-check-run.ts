/**
 * The target a check run name is for (`ferry/live: <target>`, liveCheckRunName), or undefined if it
 * is not a live check run. Its own file, without the live result's schema, so that the webhook
 * function can read it at the edge.
 */
export function targetOfLiveCheckRun(name: string): string | undefined {
  const match = /^ferry\/live: ([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(name);
  return match?.[1];
}
