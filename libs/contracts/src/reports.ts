/**
 * The figures of the summary that `GET /api/v1/reports/cases` opens: counts (numerator only)
 * and rates (numerator and denominator). `contacts` and `repeat` count contacts: their lists
 * hold the contact's case once per contact.
 */
export const DRILL_DOWN_FIGURES = [
  'received',
  'contacts',
  'closed',
  'closedSubstantive',
  'closedProcedural',
  'closedDiverted',
  'closedOnTime',
  'timelyAcceptance',
  'onTimeClosure',
  'closure',
  'resolution',
  'substantiveResolution',
  'satisfaction',
  'participation',
  'repeat',
  'firstTimeResolution',
  'assigned.central',
  'assigned.provincial',
  'assigned.municipal',
  'assigned.central.backlog',
  'assigned.provincial.backlog',
  'assigned.municipal.backlog',
] as const;
export type DrillDownFigure = (typeof DRILL_DOWN_FIGURES)[number];
