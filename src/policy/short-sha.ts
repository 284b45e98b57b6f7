/** First 7 hex digits of a full commit SHA; anything else (a ref name) unchanged. */
export function shortSha(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha;
}
