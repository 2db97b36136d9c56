import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads the schema and writes SQL migrations into drizzle/.
// The running app applies them itself (db/migrate.ts); this file is only for `npm run db:generate`.
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './drizzle',
});
