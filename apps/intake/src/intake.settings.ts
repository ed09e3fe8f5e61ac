import type { PiiKeyring } from '#libs/common';

export interface IntakeSettings {
  timeZone: string;
  /** Head count at or above which a visit is a group visit (a local convention). */
  groupVisitThreshold: number;
  /** Seals identity numbers, phones and addresses and computes their blind indexes (PII_KEY). */
  pii: PiiKeyring;
}
export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');
