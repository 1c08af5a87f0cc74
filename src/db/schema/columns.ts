/** Column types shared by the schema modules. */

import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Binary content (attachments). PGlite and node-postgres both return a Buffer-like Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** A timestamp with time zone, read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
