'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { FILTER_PARAMS } from '@/lib/filters/params';
import { PAGES } from '@/lib/pages';

/**
 * The page links. They carry the current filters along, so moving between views keeps the
 * selection, and name the timezone whenever they carry anything (`teamTz`, DASHBOARD_TZ, where the
 * URL names none): a link the dashboard writes reads the same on a server with another default,
 * as the exports and presets do. A bare URL gives bare links (a bookmark of `/` shows the team's days).
 */
export function Nav({ teamTz }: { teamTz: string }) {
  const pathname = usePathname();
  const current = useSearchParams();
  const carried = new URLSearchParams();
  for (const name of FILTER_PARAMS) for (const value of current.getAll(name)) carried.append(name, value);
  if (carried.size > 0 && !carried.has('tz')) carried.set('tz', teamTz);
  const query = carried.size > 0 ? `?${carried}` : '';
  return (
    <nav className="nav" aria-label="Dashboard pages">
      {PAGES.map((page) => {
        const active = page.href === '/' ? pathname === '/' : pathname.startsWith(page.href);
        return (
          <Link key={page.href} href={`${page.href}${query}`} aria-current={active ? 'page' : undefined} prefetch={false}>
            {page.label}
          </Link>
        );
      })}
    </nav>
  );
}
