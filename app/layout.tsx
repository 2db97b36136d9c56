import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Suspense, type ReactNode } from 'react';
import { AccessBanner } from '@/components/access-banner';
import { DemoBanner } from '@/components/demo-banner';
import { Nav } from '@/components/nav';
import { Providers } from '@/components/providers';
import { SignOut } from '@/components/sign-out';
import { VIEWER_HEADER } from '@/lib/auth/viewer-header';
import { config } from '@/lib/config';
import { PRODUCT_NAME } from '@/lib/pages';
import './globals.css';

// Every page reads the live database (the demo banner included): nothing is rendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  // Each page names itself first, so a team lead's tabs (Overview, Agent load…) tell apart.
  title: { default: PRODUCT_NAME, template: `%s · ${PRODUCT_NAME}` },
  description: 'Freshchat conversation assignments, status transitions, agent load and response statistics.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Only someone allowed to view gets the page links (the sign-in page shows none).
  const viewer = (await headers()).get(VIEWER_HEADER) !== null;
  return (
    <html lang="en">
      <body>
        {/* The first thing a keyboard reaches: past the banners, the header and the filters' page links. */}
        <a className="skip-link" href="#main">
          Skip to the page
        </a>
        <AccessBanner />
        {viewer && <DemoBanner />}
        <header className="site-header">
          <span className="brand">Conversations</span>
          {/* The links read the URL's filters; Suspense lets the page stream meanwhile. */}
          {viewer && (
            <Suspense fallback={<nav className="nav" aria-label="Dashboard pages" />}>
              <Nav teamTz={config().timezone} />
            </Suspense>
          )}
          <SignOut />
        </header>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
