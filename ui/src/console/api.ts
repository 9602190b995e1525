// The county's methods as the console calls them: the `hq.*` api methods over the HTTP
// transport, typed with the bindings generated from Rust; exports come back as downloads.
import { call, toBackendError } from "../backend";
import { download } from "../backend/http";
import { transport } from "../backend/transport";
import type {
  CalendarSave,
  YearCalendar,
  AlarmSeen,
  AlarmsRequest,
  AssignRequest,
  Assignment,
  AssignmentsRequest,
  AuditAlarm,
  CodeRecord,
  CountyLogin,
  CountySessionInfo,
  CountyStats,
  CountyUser,
  CountyUserInput,
  CountyWarningCounts,
  CountyWarningFilter,
  CountyWarningPage,
  CountyWarningRules,
  DuplicateDecide,
  DuplicateDecided,
  DuplicatePair,
  DuplicatesRequest,
  EnrollCodeRequest,
  IssuedCode,
  LoginReply,
  OverdueFilter,
  OverduePage,
  Overview,
  OverviewRequest,
  PasswordChange,
  PostInfo,
  PostUpdate,
  PostsRequest,
  RecordRef,
  RefusalsRequest,
  RefusedRow,
  RecordView,
  SearchPage,
  SearchRequest,
  Station,
  StationSave,
  StatsRecordsRequest,
  StatsRequest,
  WarningRulesSave,
} from "../backend/types";

/** A page of a county list (the core's `Page<T>`). */
export type Paged<T> = { total: number; page: number; page_size: number; items: T[] };

async function shell<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await transport.invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

/** Runs an export on the server and saves the file it wrote as a download. */
async function exported(method: string, params: object, fileName: string): Promise<void> {
  try {
    await download(method, params, fileName);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const hq = {
  /** One step of a login: password, then the phone's code (or its enrolment). */
  login: (p: CountyLogin) => shell<LoginReply>("login", p),
  logout: () => shell<unknown>("logout"),
  session: () => call<CountySessionInfo>("hq.session"),
  password: (p: PasswordChange) => call<CountySessionInfo>("hq.password", p),

  overview: (p: OverviewRequest) => call<Overview>("hq.overview", p),
  stats: (p: StatsRequest) => call<CountyStats>("hq.stats", p),
  statsRecords: (p: StatsRecordsRequest) => call<Paged<RecordRef>>("hq.stats_records", p),
  statsExport: (p: StatsRequest, fileName: string) => exported("hq.stats_export", p, fileName),
  overdue: (f: OverdueFilter) => call<OverduePage>("hq.overdue", f),
  overdueExport: (f: OverdueFilter, fileName: string) => exported("hq.overdue_export", f, fileName),

  warnings: (f: CountyWarningFilter) => call<CountyWarningPage>("hq.warnings", f),
  warningCounts: (f: CountyWarningFilter) => call<CountyWarningCounts>("hq.warning_counts", f),
  warningRules: () => call<CountyWarningRules>("hq.warning_rules"),
  calendar: (year: number) => call<YearCalendar>("hq.calendar", { year }),
  calendarSave: (p: CalendarSave) => call<YearCalendar>("hq.calendar_save", p),
  warningRulesSave: (p: WarningRulesSave) => call<CountyWarningRules>("hq.warning_rules_save", p),
  duplicates: (p: DuplicatesRequest) => call<Paged<DuplicatePair>>("hq.duplicates", p),
  duplicateDecide: (p: DuplicateDecide) => call<DuplicateDecided>("hq.duplicate_decide", p),

  search: (p: SearchRequest) => call<SearchPage>("hq.search", p),
  record: (table: string, id: string) => call<RecordView>("hq.record", { table, id }),
  assign: (p: AssignRequest) => call<Assignment>("hq.assign", p),
  unassign: (id: string) => call<Assignment>("hq.unassign", { id }),
  assignments: (p: AssignmentsRequest) => call<Paged<Assignment>>("hq.assignments", p),

  alarms: (p: AlarmsRequest) => call<Paged<AuditAlarm>>("hq.alarms", p),
  alarmSeen: (p: AlarmSeen) => call<AuditAlarm>("hq.alarm_seen", p),
  refusals: (p: RefusalsRequest) => call<Paged<RefusedRow>>("hq.refusals", p),

  posts: (p: PostsRequest) => call<Paged<PostInfo>>("hq.posts", p),
  postUpdate: (p: PostUpdate) => call<PostInfo>("hq.post_update", p),
  enrollCode: (p: EnrollCodeRequest) => call<IssuedCode>("hq.enroll_code", p),
  enrollCodes: () => call<CodeRecord[]>("hq.enroll_codes"),
  stations: () => call<Station[]>("hq.stations"),
  stationSave: (p: StationSave) => call<Station>("hq.station_save", p),

  users: () => call<CountyUser[]>("hq.users"),
  userCreate: (p: CountyUserInput) => call<CountyUser>("hq.user_create", p),
  userDisable: (login: string) => call<CountyUser>("hq.user_disable", { login }),
  userUnlock: (login: string) => call<CountyUser>("hq.user_unlock", { login }),
  userResetPassword: (login: string, new_password: string) =>
    call<CountyUser>("hq.user_reset_password", { login, new_password }),
  userResetTotp: (login: string) => call<CountyUser>("hq.user_reset_totp", { login }),
};
