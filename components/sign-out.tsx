import { headers } from 'next/headers';
import { VIEWER_HEADER } from '@/lib/auth/viewer-header';

/** A sign-out button for password sessions (a proxy-mode user signs out at the proxy). */
export async function SignOut() {
  if ((await headers()).get(VIEWER_HEADER) !== 'session') return null;
  return (
    <form className="sign-out" method="post" action="/api/auth/logout">
      <button type="submit">Sign out</button>
    </form>
  );
}
