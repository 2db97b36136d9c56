/**
 * Next.js hands dynamic segments to pages and route handlers still percent-encoded (`a%20b` for
 * `a b`; see vercel/next.js#48058), so an id from the path is decoded here, once. A segment that
 * cannot be decoded is no stored id (null: answered 404).
 */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
