import { config } from '@/lib/config';

/** Says, on every page, when nobody has to sign in: the first-run mode, reachable from this machine only. */
export function AccessBanner() {
  if (config().access.configured) return null;
  return (
    <div className="access-banner" role="status">
      <strong>Open access.</strong> No sign-in is configured, so the dashboard listens on this machine only (localhost). Set{' '}
      <code>DASHBOARD_PASSWORD</code> (or <code>AUTH_PROXY_HEADER</code> behind a single sign-on proxy) to share it; see README, &ldquo;Security&rdquo;.
    </div>
  );
}
