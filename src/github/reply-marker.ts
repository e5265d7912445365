/**
 * The hidden marker of Ferry's reply to one comment. The reply doubles as the record that the
 * command was handled: a redelivered comment event finds it and does nothing.
 */
export function replyMarker(commentId: number): string {
  return `<!-- ferry:reply-to:${commentId} -->`;
}
