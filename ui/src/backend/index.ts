// The UI's only way into the core. Each function names one api method of the Rust facade
// (`Api::call`), typed with the bindings generated from Rust into ./types. Screens import
// `backend` and never call `invoke` themselves.
import { transport } from "./transport";
import { BackendError, toBackendError } from "./errors";
import type { MethodName } from "./types/methods";
import type {
  CalendarNotice,
  CalendarSave,
  YearCalendar,
  AgreementCheck,
  AgreementInput,
  Dispute,
  DisputeFilter,
  DisputeInput,
  DisputePage,
  FollowUpDue,
  FollowUpInput,
  FulfilmentInput,
  MediationInput,
  OverdueFulfilment,
  Party,
  PartyInput,
  AdvanceRequest,
  Board,
  CancelRequest,
  Catalogue,
  Errand,
  ErrandFilter,
  ErrandInput,
  ErrandPage,
  Incident,
  IncidentFilter,
  IncidentInput,
  IncidentPage,
  PreventionMonth,
  Created,
  DbInfo,
  DemoSummary,
  Household,
  HouseholdFilter,
  HouseholdInput,
  HouseholdPage,
  IdNumberInfo,
  MethodInfo,
  Officer,
  OfficerInput,
  Person,
  PersonInput,
  Post,
  PostInput,
  SearchPage,
  SearchRequest,
  Village,
  VillageInput,
  VisitInput,
} from "./types";
import type {
  AdvanceLead,
  AgreementPdfRequest,
  AnswerFeedback,
  ConfirmFiveNones,
  EndVolunteer,
  Feedback,
  FeedbackFilter,
  FeedbackInput,
  FiveNonesYear,
  FollowUpPdfRequest,
  Hazard,
  HazardFilter,
  HazardInput,
  HazardStepRequest,
  ImportReport,
  Lead,
  LeadFilter,
  LeadInput,
  LedgerKind,
  MonthStats,
  Outreach,
  OutreachInput,
  OutreachTotal,
  Patrol,
  PatrolInput,
  RewardRequest,
  Team,
  TeamInput,
  Volunteer,
  VolunteerFilter,
  VolunteerInput,
  Written,
} from "./types";
import type { RepeatIncidents, WarningList, WarningRequest, WarningSettings } from "./types";
import type { Award, AwardDecideRequest, AwardFilter, AwardInput, AwardMonth, AwardPayRequest } from "./types";
import type { Attachment, AttachmentAdd, AttachmentFile, AttachmentOwner } from "./types";
import type {
  CareDefault,
  CareDefaultInput,
  CareEndRequest,
  CareMonth,
  CareNeed,
  CareNeedInput,
  CareNeedStepRequest,
  CarePlan,
  CarePlanDetail,
  CarePlanFilter,
  CarePlanInput,
  CarePlanPage,
  CareVisitRequest,
  DayPlan,
} from "./types";
import type { ServiceStation, ServiceStationDetail, ServiceStationFilter, ServiceStationInput, StationFigures } from "./types";
import type {
  CounselMonth,
  Lawyer,
  LawyerDetail,
  LawyerInput,
  MediationModeUpdate,
  Sitting,
  SittingFilter,
  SittingInput,
  SittingPage,
} from "./types";
import type {
  AssignmentReceived,
  AuditCheck,
  AuditFilter,
  AuditPage,
  BackupReport,
  SessionInfo,
  SetPassword,
  User,
  UserInput,
} from "./types";
import type { SyncConflict, SyncStatus } from "./sync";
import type { Group } from "./types/Group";
import type { GroupRename } from "./types/GroupRename";
import type { Visit } from "./types/Visit";

export * from "./errors";
export type * from "./types";

/** An `*.update` request: the record's id and only the fields to change. */
export type Update<T> = { id: string } & Partial<T>;

/** Told when the core refuses a call because nobody is logged in (idle timeout, logout) or
 * the password must be changed first: the shell then shows the login over the open screen. */
type SessionListener = (e: BackendError) => void;
const sessionListeners = new Set<SessionListener>();

/** Subscribes to session refusals; returns the unsubscribe function. */
export function onSessionRefused(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/** Refusals that mean "log in (again)", as opposed to a wrong password at the login itself. */
const SESSION_CODES = ["unauthenticated", "password_change_required"];
const LOGIN_METHODS = ["session.login", "session.current", "session.logout", "user.set_password"];

async function run<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await transport.invoke<T>(command, args);
  } catch (e) {
    const err = toBackendError(e);
    const method = command === "call" ? String(args?.method) : command;
    // A wrong password typed into create-admin or restore is that form's error, not a lost session.
    if (SESSION_CODES.includes(err.code) && !LOGIN_METHODS.includes(method) && command !== "create_admin" && command !== "restore") {
      for (const l of sessionListeners) l(err);
    }
    throw err;
  }
}

/** Calls an api method by name (see `methods()` for the list). */
export function call<T>(method: MethodName, params: object = {}): Promise<T> {
  return run<T>("call", { method, params });
}

export const backend = {
  /** Every api method with its JSON Schema. */
  methods: () => run<MethodInfo[]>("methods"),
  /** Fills an empty database with the demo post. */
  demo: (households: number) => run<DemoSummary>("demo", { households }),
  /** Where the data lives, schema and software versions. */
  dbInfo: () => run<DbInfo>("db_info"),
  /** Tells the shell the first screen is on display (for the cold-start measurement). */
  firstScreen: () => run<null>("first_screen"),

  post: {
    get: () => call<Post | null>("post.get"),
    save: (p: PostInput) => call<Post>("post.save", p),
  },
  village: {
    list: () => call<Village[]>("village.list"),
    create: (p: VillageInput) => call<Village>("village.create", p),
    update: (p: Update<VillageInput>) => call<Village>("village.update", p),
    delete: (id: string) => call<Created>("village.delete", { id }),
  },
  group: {
    create: (p: { village_id: string; name: string }) => call<Group>("group.create", p),
    rename: (p: GroupRename) => call<Group>("group.rename", p),
    delete: (id: string) => call<Created>("group.delete", { id }),
  },
  officer: {
    list: () => call<Officer[]>("officer.list"),
    create: (p: OfficerInput) => call<Officer>("officer.create", p),
    update: (p: Update<OfficerInput>) => call<Officer>("officer.update", p),
  },
  household: {
    list: (f: HouseholdFilter) => call<HouseholdPage>("household.list", f),
    get: (id: string) => call<Household>("household.get", { id }),
    create: (p: HouseholdInput) => call<Household>("household.create", p),
    update: (p: Update<HouseholdInput>) => call<Household>("household.update", p),
  },
  person: {
    get: (id: string) => call<Person>("person.get", { id }),
    create: (p: PersonInput) => call<Person>("person.create", p),
    update: (p: Update<PersonInput>) => call<Person>("person.update", p),
    delete: (id: string) => call<Created>("person.delete", { id }),
  },
  idNumber: {
    check: (id_number: string) => call<IdNumberInfo>("id_number.check", { id_number }),
  },
  visit: {
    create: (p: VisitInput) => call<Visit>("visit.create", p),
  },
  search: (p: SearchRequest) => call<SearchPage>("search", p),

  serviceItem: {
    list: (include_inactive = false) => call<Catalogue>("service_item.list", { include_inactive }),
  },
  errand: {
    create: (p: ErrandInput) => call<Errand>("errand.create", p),
    get: (id: string) => call<Errand>("errand.get", { id }),
    list: (f: ErrandFilter) => call<ErrandPage>("errand.list", f),
    board: (limit?: number) => call<Board>("errand.board", { limit }),
    advance: (p: AdvanceRequest) => call<Errand>("errand.advance", p),
    cancel: (p: CancelRequest) => call<Errand>("errand.cancel", p),
    /** Overdue errands, longest overdue first; `limit` caps the list (the total is `errand.board`'s `overdue`). */
    overdue: (limit?: number) => call<Errand[]>("errand.overdue", limit === undefined ? {} : { limit }),
  },
  incident: {
    create: (p: IncidentInput) => call<Incident>("incident.create", p),
    get: (id: string) => call<Incident>("incident.get", { id }),
    update: (p: Update<IncidentInput>) => call<Incident>("incident.update", p),
    list: (f: IncidentFilter) => call<IncidentPage>("incident.list", f),
    /** The incidents at the same place or of the same person within the county's window. */
    repeats: (id: string) => call<RepeatIncidents>("incident.repeats", { id }),
  },
  dispute: {
    create: (p: DisputeInput) => call<Dispute>("dispute.create", p),
    get: (id: string) => call<Dispute>("dispute.get", { id }),
    list: (f: DisputeFilter) => call<DisputePage>("dispute.list", f),
    update: (p: Update<Omit<DisputeInput, "parties">>) => call<Dispute>("dispute.update", p),
    overdueFulfilments: () => call<OverdueFulfilment[]>("dispute.overdue_fulfilments", {}),
    refer: (p: { id: string; referred_to: string; on?: string | null }) => call<Dispute>("dispute.refer", p),
    withdraw: (p: { id: string; reason?: string | null }) => call<Dispute>("dispute.withdraw", p),
  },
  party: {
    add: (p: { dispute_id: string } & PartyInput) => call<Party>("party.add", p),
    update: (p: Update<PartyInput>) => call<Party>("party.update", p),
    /** Deletes a party added by mistake (refused once an agreement took effect). */
    delete: (id: string) => call<Dispute>("party.delete", { id }),
  },
  mediation: {
    add: (p: MediationInput) => call<Dispute>("mediation.add", p),
    /** How a round was held (现场, 警务室, 视频联调) and the lawyers who took part, recorded afterwards. */
    update: (p: MediationModeUpdate) => call<Dispute>("mediation.update", p),
  },
  agreement: {
    save: (p: { dispute_id: string } & Partial<AgreementInput>) => call<Dispute>("agreement.save", p),
    check: (dispute_id: string) => call<AgreementCheck>("agreement.check", { dispute_id }),
    finalise: (dispute_id: string) => call<Dispute>("agreement.finalise", { dispute_id }),
  },
  fulfilment: {
    record: (p: FulfilmentInput) => call<Dispute>("fulfilment.record", p),
  },
  followup: {
    record: (p: FollowUpInput) => call<Dispute>("followup.record", p),
    due: (on?: string) => call<FollowUpDue[]>("followup.due", { on }),
  },
  warning: {
    /** The open disputes at risk, the highest first, with their reasons. */
    list: (p: WarningRequest = {}) => call<WarningList>("warning.list", p),
    settings: () => call<WarningSettings>("warning.settings"),
    /** The post's own threat words; `null` goes back to the county's. */
    saveWords: (words: string[] | null) => call<WarningSettings>("warning.words_save", words === null ? {} : { words }),
  },
  // 工作日历: the 放假 and 调休上班 days 治安调解 deadlines count by.
  calendar: {
    year: (year?: number) => call<YearCalendar>("calendar.year", { year }),
    /** Sets a year (a post not enrolled with HQ; the core refuses otherwise). */
    save: (p: CalendarSave) => call<YearCalendar>("calendar.save", p),
    /** 首页's warning when a deadline runs into a year without a calendar. */
    notice: () => call<CalendarNotice>("calendar.notice"),
  },
  prevention: {
    month: (month: string) => call<PreventionMonth>("prevention.month", { month }),
  },

  // 结对帮扶 and 今日工作.
  care: {
    /** Each tag's visit interval (the station admin's, else the built-in one). */
    defaults: () => call<CareDefault[]>("care.defaults"),
    setDefault: (p: CareDefaultInput) => call<CareDefault[]>("care.defaults_set", p),
    list: (f: CarePlanFilter) => call<CarePlanPage>("care.list", f),
    get: (id: string) => call<CarePlanDetail>("care.get", { id }),
    create: (p: CarePlanInput) => call<CarePlan>("care.create", p),
    update: (p: Update<CarePlanInput>) => call<CarePlan>("care.update", p),
    end: (p: CareEndRequest) => call<CarePlan>("care.end", p),
    /** A visit against the plan (defaults: today, the paired officer, 情况正常). */
    visit: (p: CareVisitRequest) => call<Visit>("care.visit", p),
    addNeed: (p: CareNeedInput) => call<CareNeed>("care.need_add", p),
    helpNeed: (p: CareNeedStepRequest) => call<CareNeed>("care.need_help", p),
    dropNeed: (p: CareNeedStepRequest) => call<CareNeed>("care.need_drop", p),
    reopenNeed: (p: CareNeedStepRequest) => call<CareNeed>("care.need_reopen", p),
    month: (month: string) => call<CareMonth>("care.month", { month }),
  },
  // 驿站 and 警务助理.
  serviceStation: {
    /** The stations (closed ones only when asked). */
    list: (f: ServiceStationFilter = {}) => call<ServiceStation[]>("service_station.list", f),
    /** A station's page: its assistants, its errands, this month's figures. */
    get: (id: string) => call<ServiceStationDetail>("service_station.get", { id }),
    create: (p: ServiceStationInput) => call<ServiceStation>("service_station.create", p),
    /** Closing a station is setting closed_on. */
    update: (p: Update<ServiceStationInput>) => call<ServiceStation>("service_station.update", p),
    delete: (id: string) => call<null>("service_station.delete", { id }),
    month: (month: string) => call<StationFigures[]>("service_station.month", { month }),
  },
  // 法律顾问 and 驻所律师.
  counsel: {
    lawyers: () => call<Lawyer[]>("lawyer.list"),
    /** A lawyer with their sittings and the disputes they took part in. */
    lawyer: (id: string) => call<LawyerDetail>("lawyer.get", { id }),
    createLawyer: (p: LawyerInput) => call<Lawyer>("lawyer.create", p),
    updateLawyer: (p: Update<LawyerInput>) => call<Lawyer>("lawyer.update", p),
    deleteLawyer: (id: string) => call<Lawyer[]>("lawyer.delete", { id }),
    sittings: (f: SittingFilter) => call<SittingPage>("sitting.list", f),
    createSitting: (p: SittingInput) => call<Sitting>("sitting.create", p),
    updateSitting: (p: Update<SittingInput>) => call<Sitting>("sitting.update", p),
    deleteSitting: (id: string) => call<Lawyer[]>("sitting.delete", { id }),
    month: (month: string) => call<CounselMonth>("counsel.month", { month }),
  },
  award: {
    /** 表彰奖励: 见义勇为 and 好人 nominations, newest first. */
    list: (f: AwardFilter) => call<Award[]>("award.list", f),
    get: (id: string) => call<Award>("award.get", { id }),
    create: (p: AwardInput) => call<Award>("award.create", p),
    update: (p: Update<AwardInput>) => call<Award>("award.update", p),
    /** The decision of 县见义勇为基金会 or the station, with the amount approved (not for 辅警). */
    decide: (p: AwardDecideRequest) => call<Award>("award.decide", p),
    pay: (p: AwardPayRequest) => call<Award>("award.pay", p),
    remove: (id: string) => call<Created>("award.delete", { id }),
    month: (month: string) => call<AwardMonth>("award.month", { month }),
  },
  dayPlan: {
    /** 今日工作: what is due today, by village and 组. */
    get: () => call<DayPlan>("day_plan.get"),
    /** The route sheet (the save dialog has asked before replacing a file). */
    pdf: (path: string) => call<Written>("day_plan.pdf", { path, overwrite: true }),
  },

  // Prevention work (群防群治).
  team: {
    list: () => call<Team[]>("team.list"),
    create: (p: TeamInput) => call<Created>("team.create", p),
  },
  volunteer: {
    list: (f: VolunteerFilter) => call<Volunteer[]>("volunteer.list", f),
    create: (p: VolunteerInput) => call<Created>("volunteer.create", p),
    end: (p: EndVolunteer) => call<Created>("volunteer.end", p),
  },
  patrol: {
    list: (month: string) => call<Patrol[]>("patrol.list", { month }),
    create: (p: PatrolInput) => call<Created>("patrol.create", p),
  },
  lead: {
    list: (f: LeadFilter) => call<Lead[]>("lead.list", f),
    create: (p: LeadInput) => call<Created>("lead.create", p),
    advance: (p: AdvanceLead) => call<Created>("lead.advance", p),
  },
  attachment: {
    /** A record's 照片/扫描件, oldest first, each with its thumbnail (a data URL). */
    list: (owner_kind: AttachmentOwner, owner_id: string) => call<Attachment[]>("attachment.list", { owner_kind, owner_id }),
    /** Attaches the file at `path` (picked in the system's dialog); its type is told from its content. */
    add: (p: AttachmentAdd) => call<Attachment>("attachment.add", p),
    /** The whole file as a data URL (audited as a view of personal data). */
    get: (id: string) => call<AttachmentFile>("attachment.get", { id }),
    remove: (id: string) => call<Created>("attachment.delete", { id }),
  },
  hazard: {
    list: (f: HazardFilter) => call<Hazard[]>("hazard.list", f),
    overdue: () => call<Hazard[]>("hazard.overdue"),
    create: (p: HazardInput) => call<Hazard>("hazard.create", p),
    verify: (p: HazardStepRequest) => call<Hazard>("hazard.verify", p),
    reject: (p: HazardStepRequest) => call<Hazard>("hazard.reject", p),
    fix: (p: HazardStepRequest) => call<Hazard>("hazard.fix", p),
    recheck: (p: HazardStepRequest) => call<Hazard>("hazard.recheck", p),
    reward: (p: RewardRequest) => call<Hazard>("hazard.reward", p),
  },
  outreach: {
    list: (month: string) => call<Outreach[]>("outreach.list", { month }),
    create: (p: OutreachInput) => call<Created>("outreach.create", p),
    totals: (year: number) => call<OutreachTotal[]>("outreach.totals", { year }),
  },
  feedback: {
    list: (f: FeedbackFilter) => call<Feedback[]>("feedback.list", f),
    create: (p: FeedbackInput) => call<Created>("feedback.create", p),
    answer: (p: AnswerFeedback) => call<Created>("feedback.answer", p),
  },
  fiveNones: {
    list: (year: number) => call<FiveNonesYear[]>("five_nones.list", { year }),
    confirm: (p: ConfirmFiveNones) => call<FiveNonesYear[]>("five_nones.confirm", p),
  },

  // Documents: ledgers, statistics, roster import, PDFs. Paths come from the system dialogs;
  // the save dialog has asked before replacing a file, so the core may replace it (`overwrite`).
  ledger: {
    export: (p: { kind: LedgerKind; month?: string | null; path: string }) =>
      call<Written>("ledger.export", { ...p, overwrite: true }),
  },
  stats: {
    month: (month: string) => call<MonthStats>("stats.month", { month }),
    export: (p: { month: string; path: string }) => call<Written>("stats.export", { ...p, overwrite: true }),
  },
  roster: {
    preview: (path: string) => call<ImportReport>("import.preview", { path }),
    apply: (path: string) => call<ImportReport>("import.apply", { path }),
  },
  pdf: {
    agreement: (p: AgreementPdfRequest) => call<Written>("agreement.pdf", { ...p, overwrite: true }),
    intake: (p: AgreementPdfRequest) => call<Written>("intake.pdf", { ...p, overwrite: true }),
    followUp: (p: FollowUpPdfRequest) => call<Written>("followup.pdf", { ...p, overwrite: true }),
  },

  // Logins, users, the audit log, backups (the core's permission table decides who may).
  /** First run: creates the station admin and encrypts the database. */
  createAdmin: (login: string, password: string) => run<SessionInfo>("create_admin", { login, password }),
  /** Replaces the open database with a backup (setup mode or the station admin); the
   * restored database comes back logged in as `login`. */
  restore: (file: string, login: string, password: string) => run<BackupReport>("restore", { file, login, password }),
  session: {
    current: () => call<SessionInfo>("session.current"),
    login: (login: string, password: string) => call<SessionInfo>("session.login", { login, password }),
    logout: () => call<SessionInfo>("session.logout"),
  },
  user: {
    list: () => call<User[]>("user.list"),
    create: (p: UserInput) => call<User>("user.create", p),
    setPassword: (p: SetPassword) => call<User>("user.set_password", p),
    unlock: (login: string) => call<User>("user.unlock", { login }),
    disable: (login: string) => call<User>("user.disable", { login }),
  },
  audit: {
    list: (f: AuditFilter) => call<AuditPage>("audit.list", f),
    verify: () => call<AuditCheck>("audit.verify"),
  },
  backup: {
    create: (out: string) => call<BackupReport>("backup.create", { out }),
  },
  sync: {
    status: () => call<SyncStatus>("sync.status"),
  },
  assignment: {
    list: () => call<AssignmentReceived[]>("assignment.list"),
  },
  conflict: {
    list: (include_resolved = false) => call<SyncConflict[]>("conflict.list", { include_resolved }),
    restore: (id: number) => call<SyncConflict>("conflict.restore", { id }),
  },
};

export type Backend = typeof backend;
