/**
 * Every command a service takes, in one typed registry: name → the body it is sent → the service
 * that owns it. The gateway (and the admin command line) send them through `ServiceClient`, each
 * service offers its own through `ServiceCommands<'intake'>` (libs/runtime): a name that is not
 * here, a name sent to a service that does not own it, a missing handler or a body of the wrong
 * shape is a compile error, and a reader can follow a command from the gateway's call to the
 * service's handler by its name. The bodies are what the sender passes; the owning service still
 * checks every field it relies on.
 */
import type { AssignedByData, Channel, ClosureKind, DeclineReason, Outcome, PetitionerData, Procedure, Purpose, Rating, RouteMode, ServiceMethod, SessionKind } from './events.js';

/** The five services (the gateway is not one: it sends commands, it owns none). */
export const SERVICE_NAMES = ['intake', 'assignment', 'deadline', 'closure', 'reporting'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** intake: a contact registered (a new case, or a repeat contact of an open one, Art. 19(3)). */
export interface RegisterPetitionBody {
  channel: Channel;
  receivedAt?: string;
  petitioners: PetitionerData[];
  headcount?: number;
  purpose: Purpose;
  category: string;
  summary: string;
  content: string;
  assignedBy?: AssignedByData;
  backlog?: boolean;
  receptionSessionId?: string;
}
export interface ReceptionSessionBody {
  kind: SessionKind;
  leader: string;
  date: string;
}
/** The public door's check: a tracking number and its query code as the petitioner typed them (intake checks both). */
export interface VerifyQueryCodeBody {
  trackingNo?: unknown;
  queryCode?: unknown;
}
/** A document rendered: which (checked by intake), the format, the issuing unit, the date it bears. */
export interface IssueDocumentBody {
  kind: string;
  format: string;
  /** The issuing unit, as the gateway resolved it (the sequence counts per unit). */
  issuerUnitCode: string;
  /** The date the document bears (YYYY-MM-DD, office calendar): its year is the number's. */
  documentDate: string;
  /** The case view shows a review's opinion in force: the 处理意见书 needs the closure's own, which intake must hold. */
  requireHandlingOpinion?: boolean;
}
/** A document served on the petitioner (已送达). */
export interface ServeDocumentBody {
  kind: string;
  /** The day it was served (YYYY-MM-DD, office calendar). */
  servedOn: string;
  method: ServiceMethod;
  /** The date the document bears, as the gateway computed it from the case: it cannot be served before it. */
  documentDate: string;
}

/** assignment */
export interface RouteBody {
  mode: RouteMode;
  unitCode: string;
  /** The unit's name as the gateway has it (the basis of the deadlines names the unit). */
  unitName?: string;
  feedbackDueAt?: string;
}
export interface DeclineBody {
  reason: DeclineReason;
  note?: string;
}
export interface DivertBody {
  procedure: Procedure;
  note?: string;
}
export interface ObjectBody {
  reason: string;
}

/** closure */
export interface ExtendBody {
  days: number;
  reason: string;
  approvedBy: string;
  petitionerNotice?: string;
}
export interface OpinionBody {
  kind: ClosureKind;
  outcome: Outcome;
  opinion: string;
  hearingDays?: number;
}
export interface EvaluateBody {
  rating: Rating;
  comment?: string;
}

/** deadline */
export interface SuperviseBody {
  note: string;
}

/** Nothing to send. */
export type NoBody = Record<never, never>;

/** The registry. `'*'`: every service has it (its dead letters, libs/runtime addDeadLetterApi). */
export interface Commands {
  'register-petition': { service: 'intake'; body: RegisterPetitionBody };
  'create-reception-session': { service: 'intake'; body: ReceptionSessionBody };
  'verify-query-code': { service: 'intake'; body: VerifyQueryCodeBody };
  'reissue-query-code': { service: 'intake'; body: NoBody };
  'issue-document': { service: 'intake'; body: IssueDocumentBody };
  'serve-document': { service: 'intake'; body: ServeDocumentBody };
  route: { service: 'assignment'; body: RouteBody };
  accept: { service: 'assignment'; body: NoBody };
  decline: { service: 'assignment'; body: DeclineBody };
  divert: { service: 'assignment'; body: DivertBody };
  object: { service: 'assignment'; body: ObjectBody };
  supervise: { service: 'deadline'; body: SuperviseBody };
  /** The holiday notice of a year, as the administrator uploaded it (the deadline service checks it whole). */
  'calendar-load': { service: 'deadline'; body: unknown };
  extend: { service: 'closure'; body: ExtendBody };
  close: { service: 'closure'; body: OpinionBody };
  evaluate: { service: 'closure'; body: EvaluateBody };
  'review-request': { service: 'closure'; body: NoBody };
  'review-opinion': { service: 'closure'; body: OpinionBody };
  're-review-request': { service: 'closure'; body: NoBody };
  're-review-opinion': { service: 'closure'; body: OpinionBody };
  'rebuild-read-model': { service: 'reporting'; body: NoBody };
  'dead-letter-replay': { service: '*'; body: { id: string } };
  'dead-letter-discard': { service: '*'; body: { id: string } };
}

export type CommandName = keyof Commands;
export type CommandBody<N extends CommandName> = Commands[N]['body'];
/** The commands a service answers (its own and those every service has). */
export type CommandsOf<S extends ServiceName> = { [N in CommandName]: Commands[N]['service'] extends S | '*' ? N : never }[CommandName];
/** The commands a service itself implements (not those libs/runtime adds to every service). */
export type OwnCommandsOf<S extends ServiceName> = { [N in CommandName]: Commands[N]['service'] extends S ? N : never }[CommandName];
