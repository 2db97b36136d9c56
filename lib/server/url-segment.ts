/**
 * Next.js hands a page its dynamic segments still percent-encoded (`a%20b` for `a b`; see
 * vercel/next.js#48058), so an id from the path is decoded here, once. (Route handlers and
 * generateMetadata get theirs decoded already: the history.csv route reads its id from the
 * request's path through this instead.) A segment that cannot be decoded is no stored id (null:
 * answered 404).
 */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
