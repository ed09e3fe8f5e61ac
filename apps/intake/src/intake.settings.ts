export interface IntakeSettings {
  timeZone: string;
  /** Head count at or above which a visit is a group visit (a local convention). */
  groupVisitThreshold: number;
}
export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');
