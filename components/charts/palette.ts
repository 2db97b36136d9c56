/** Okabe–Ito colours: distinguishable with the common forms of colour blindness. */
export const STATUS_COLORS = { new: '#E69F00', assigned: '#0072B2', resolved: '#009E73' } as const;

/** What became of received events (ingest health): Okabe–Ito blue, orange, vermillion. */
export const INGEST_COLORS = { accepted: '#0072B2', duplicates: '#E69F00', rejected: '#D55E00' } as const;
