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

/**
 * What the journeys' questions are built from: the options of the reference-data questions (the site is accepted but
 * not needed, so that the wording can be looked up without a configuration: `src/forms/questions.ts`).
 */
export type ReferenceData = Pick<JourneyContext, 'concernTypes' | 'sectors'> & Partial<Pick<JourneyContext, 'site'>>;
