import type { Site } from '../config.js';

export interface ReferenceItem {
  code: string;
  label: string;
}

/** What the journeys need from outside: reference data from the database and the site's configuration. */
export interface JourneyContext {
  concernTypes: ReferenceItem[];
  sectors: ReferenceItem[];
  site: Site;
}
