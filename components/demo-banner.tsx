import { getDb } from '@/db/client';
import { demoStatus } from '@/lib/demo/demo-data';

/** Says, on every page, when the figures come from generated demo data rather than a real account. */
export function DemoBanner() {
  let status;
  try {
    status = demoStatus(getDb());
  } catch {
    return null; // the database is unavailable: /api/health says why
  }
  if (!status) return null;
  return (
    <div className="demo-banner" role="status">
      <strong>Demo data.</strong> {status.conversations.toLocaleString('en')} generated conversations over {status.days} days are shown, not your
      Freshchat account. Send real events to <code>POST /api/events</code>; remove the demo with <code>npm run demo:clear</code>.
    </div>
  );
}
