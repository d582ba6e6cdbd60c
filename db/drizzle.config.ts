// SPDX-License-Identifier: Apache-2.0
/** drizzle-kit: `npm run db:generate` writes SQL + meta into db/migrations (committed). */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
