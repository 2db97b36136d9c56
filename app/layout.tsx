import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { DemoBanner } from '@/components/demo-banner';
import { Providers } from '@/components/providers';
import './globals.css';

// Every page reads the live database (the demo banner included): nothing is rendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Conversation observability',
  description: 'Freshchat conversation assignments, status transitions, agent load and response statistics.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <DemoBanner />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
