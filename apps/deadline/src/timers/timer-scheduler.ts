import type { Clock } from '#libs/common';

/** One timer: a warning some days before a deadline, or its breach at the due instant. */
export interface DeadlineTimer {
  caseId: string;
  kind: string;
  revision: number;
  purpose: 'warn' | 'breach' | 'escalate';
  /** For warnings: how many days before the due instant. */
  daysBefore?: number;
  fireAt: string;
}

/** BullMQ refuses ':' in custom job ids; the revision is part of the id, so a stale timer never matches. */
export function timerId(t: Pick<DeadlineTimer, 'caseId' | 'kind' | 'revision' | 'purpose' | 'daysBefore'>): string {
  return `${t.caseId}.${t.kind}.r${t.revision}.${t.purpose}${t.purpose === 'warn' ? `.${t.daysBefore}` : ''}`;
}

/** Where timers live: BullMQ delayed jobs on Redis (distributed) or in-process (embedded). */
export interface TimerScheduler {
  /**
   * Delays are measured on the service's clock (which tests may shift). `onTaken`, if given, hears
   * of a timer taken ahead of its instant (BullMQ's lead), so that work not depending on the
   * instant can be done while it waits; the in-process scheduler takes nothing ahead.
   */
  start(onFire: (t: DeadlineTimer) => Promise<void>, clock: Clock, onTaken?: (t: DeadlineTimer) => void): Promise<void>;
  schedule(timers: DeadlineTimer[]): Promise<void>;
  cancel(ids: string[]): Promise<void>;
  /** Notes that every timer due in the window has just been armed (see wasWiped). */
  markReconciled(): Promise<void>;
  /** True if the store lost its timers since markReconciled (Redis wiped or replaced). */
  wasWiped(): Promise<boolean>;
  /** Resolves when the timer store answers (readiness); throws with why when it does not. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
export const TIMER_SCHEDULER = Symbol('TIMER_SCHEDULER');
