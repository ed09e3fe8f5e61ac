import type { PiiKeyring } from '#libs/common';

export interface IntakeSettings {
  timeZone: string;
  /** Head count at or above which a visit is a group visit (a local convention). */
  groupVisitThreshold: number;
  /** Seals identity numbers, phones and addresses and computes their blind indexes (PII_KEY). */
  pii: PiiKeyring;
  /** The public door's lockout per tracking number (TRACK_*); each unset one takes its default. */
  tracking?: Partial<TrackingPolicy>;
}

export interface TrackingPolicy {
  /** This many wrong query codes for one tracking number within `failureWindowSeconds` lock it for `lockoutSeconds`. */
  maxFailures: number;
  failureWindowSeconds: number;
  lockoutSeconds: number;
}
export const TRACKING_DEFAULTS: TrackingPolicy = { maxFailures: 5, failureWindowSeconds: 15 * 60, lockoutSeconds: 15 * 60 };
export const trackingPolicy = (s: IntakeSettings): TrackingPolicy => ({ ...TRACKING_DEFAULTS, ...s.tracking });

/** The lockout of the process's configuration (both modes). */
export const trackingPolicyFrom = (cfg: { TRACK_MAX_FAILURES: number; TRACK_FAILURE_WINDOW_MINUTES: number; TRACK_LOCKOUT_MINUTES: number }): TrackingPolicy => ({
  maxFailures: cfg.TRACK_MAX_FAILURES,
  failureWindowSeconds: cfg.TRACK_FAILURE_WINDOW_MINUTES * 60,
  lockoutSeconds: cfg.TRACK_LOCKOUT_MINUTES * 60,
});
export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');
