import { safeNext } from '@/lib/auth/login';
import { config } from '@/lib/config';

export const dynamic = 'force-dynamic';

export const metadata = { title: 'Sign in' };

type Params = Promise<Record<string, string | string[] | undefined>>;

/** Sign-in with the team password: a plain form POST, so it works without JavaScript. */
export default async function LoginPage({ searchParams }: { searchParams: Params }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const { access } = config();
  return (
    <main id="main" className="login">
      <h1>Sign in</h1>
      {!access.password ? (
        <p>
          {access.configured
            ? 'This dashboard is signed in to through your single sign-on proxy; password sign-in is not configured.'
            : 'No sign-in is configured: the dashboard is open on this machine.'}{' '}
          <a href={next}>Go to the dashboard</a>
        </p>
      ) : (
        <form method="post" action="/api/auth/login">
          <input type="hidden" name="next" value={next} />
          <label>
            Team password
            <input type="password" name="password" autoComplete="current-password" required autoFocus />
          </label>
          {params.error === 'wrong' && (
            <p className="error" role="alert">
              Wrong password. After a few wrong tries, further attempts are refused for a while.
            </p>
          )}
          <button type="submit">Sign in</button>
        </form>
      )}
    </main>
  );
}
