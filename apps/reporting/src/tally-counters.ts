import { AUTHORITIES, CHANNELS } from '#libs/contracts';

/** The counter columns of rpt_tally (tallies.ts). */
const asg = AUTHORITIES.flatMap((a) => [`asg_${a}`, `asgbl_${a}`]);
const asgRes = AUTHORITIES.flatMap((a) => ['sub', 'proc'].flatMap((k) => [`asgres_${a}_${k}`, `asgblres_${a}_${k}`]));

/** Every counter column, in the table's order. */
export const COUNTERS = [
  // 'D' rows: received (by the received day)
  'recv',
  ...asg,
  // contacts (by their day; a contact counts by its own channel)
  'contacts',
  'contactsRepeat',
  'persons',
  ...CHANNELS.map((c) => `ch_${c}`),
  // closed (by the closed day)
  'closed',
  'closedSub',
  'closedProc',
  'closedDiv',
  'closedOnTime',
  'firstTime',
  // deadlines (by their last day)
  'accDue',
  'accMet',
  'hDue',
  'hDueOnTime',
  'evalMoot',
  'evalOpen',
  // evaluated (by its day)
  'evaluated',
  'evalSat',
  // routing and supervision acts (by their day)
  'actTransfer',
  'actAssign',
  'actManual',
  'actAuto',
  // a breach settled by the history (overdue whatever the time), by the received day
  'ovdSettled',
  // pairs
  'rc',
  'rcSub',
  ...asgRes,
  'hc',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** The key columns of a counter row, in the primary key's order. */
export const KEY_COLUMNS = ['rollup', 'unitCode', 'category', 'channel', 'authority', 'purpose', 'd1', 'kind', 'd2'] as const;
