/**
 * The rules of 《信访工作条例》 (2022) as code: the PRC working calendar, periods under the Civil
 * Code, the deadlines of a case computed from its history, and the case state machine.
 * Pure: no framework, no database, no clock, no environment. Import as `#libs/regulation`.
 */
export * from './dates/local-date.js';
export * from './dates/time-zone.js';
export * from './calendar/calendar.js';
export { PRC_CALENDAR_DATA } from './calendar/prc-calendar.data.js';
export * from './calendar/statutory-holidays.js';
export * from './calendar/uncovered-days.js';
export * from './periods/periods.js';
export * from './deadlines/deadlines.js';
export * from './workflow/state-machine.js';
export * from './workflow/roles.js';
export * from './preview/preview.js';
export * from './windows/windows.js';
