/**
 * Request header proxy.ts sets to how the viewer was admitted (`open`, `session`, `proxy`), for
 * server code that answers differently to a signed-in viewer. Removed from incoming requests first,
 * so a client can never set it.
 */
export const VIEWER_HEADER = 'x-dashboard-viewer';
