//! Writes the TypeScript bindings of the api's requests and replies into
//! `ui/src/backend/types/`, so the desktop UI is typed from these Rust types and a renamed
//! field breaks the UI build. Run with `cargo test -p fengqiao --features ts --test
//! typescript`; CI runs it and fails when `git diff` shows the committed files drifted.
#![cfg(feature = "ts")]

use std::fmt::Write;
use std::path::PathBuf;

use fengqiao::api::EnrollNetworkRequest;
use fengqiao::api::{AdvanceRequest, Api, BoardRequest, CancelRequest, CatalogueRequest, MonthRequest, OverdueRequest};
use fengqiao::api::{AgreementCheck, DisputeRef, DueRequest, ReferRequest, WithdrawRequest};
use fengqiao::api::{AuditCheck, BackupRequest, LoginRef, LoginRequest, SessionInfo, SetPassword, UserInput};
use fengqiao::api::{
    BundleSent, ConflictListRequest, ConflictRestoreRequest, EnrollAcceptFile, EnrollRequestFile, EnrollRequestWritten,
    Enrolled, NetworkSync, SyncExportRequest, SyncImportRequest, SyncNetworkRequest,
};
use fengqiao::api::{CalendarNotice, CalendarSave, CalendarYearRequest, WarningRequest, WordsRequest};
use fengqiao::api::{
    Created, DbInfo, GroupInput, GroupRename, IdNumberCheck, IdNumberInfo, IdRequest, MethodInfo, NoParams,
    SearchRequest,
};
use fengqiao::demo::DemoSummary;
use fengqiao::error::ErrorReply;
use fengqiao::model::calendar::CalendarDay;
use fengqiao::model::dispute::{
    AgreementInput, DisputeInput, FollowUpInput, FulfilmentInput, MediationInput, PartyInput,
};
use fengqiao::model::errand::{ErrandInput, ServiceItemInput};
use fengqiao::model::incident::IncidentInput;
use fengqiao::model::people::{HouseholdInput, OfficerInput, PersonInput, PostInput, VillageInput, VisitInput};
use fengqiao::model::*;
use fengqiao::store::calendar::YearCalendar;
use fengqiao::store::dispute::{Dispute, DisputeFilter, DisputePage, DisputeSort, FollowUpDue, OverdueFulfilment};
use fengqiao::store::errand::{Board, Catalogue, Errand, ErrandFilter, ErrandPage};
use fengqiao::store::household::{Household, HouseholdFilter, HouseholdPage};
use fengqiao::store::incident::{Incident, IncidentFilter, IncidentPage};
use fengqiao::store::person::Person;
use fengqiao::store::place::{Officer, Post, Village};
use fengqiao::store::prevention::PreventionMonth;
use fengqiao::store::search::SearchPage;
use fengqiao::store::warning::{RepeatIncidents, WarningList, WarningSettings};
// Prevention work and documents.
use fengqiao::api::county::Page;
use fengqiao::api::county::duplicates::{
    DuplicateDecide, DuplicateDecided, DuplicatePair, DuplicateSide, DuplicatesRequest,
};
use fengqiao::api::county::figures::{
    Breakdown, CountyStats, Overview, OverviewRequest, OverviewTotals, PostFigures, PostRow, RecordRef,
    StatsRecordsRequest, StatsRequest, TrendPoint, VillageFigures,
};
use fengqiao::api::county::overdue::{OverdueFilter, OverdueItem, OverdueKind, OverduePage, OverdueSort};
use fengqiao::api::county::places::{
    AlarmSeen, AlarmsRequest, EnrollCodeRequest, PostUpdate, PostsRequest, RefusalsRequest, StationSave,
};
use fengqiao::api::county::records::{AssignRequest, AssignmentsRequest, RecordRequest, RecordView};
use fengqiao::api::county::session::{
    CountyLogin, CountySessionInfo, CountyUserInput, LoginReply, PasswordChange, ResetPassword,
};
use fengqiao::api::county::warning::{
    CountyWarning, CountyWarningCounts, CountyWarningFilter, CountyWarningPage, CountyWarningRules, PostWarningCounts,
    WarningRulesSave,
};
use fengqiao::api::{
    AdvanceLead, AgreementPdfRequest, AnswerFeedback, ConfirmFiveNones, EndVolunteer, FeedbackFilter,
    FollowUpPdfRequest, HazardFilter, HazardStepRequest, ImportRequest, LeadFilter, LedgerRequest, RewardRequest,
    StatsExportRequest, VolunteerFilter, Written, YearRequest,
};
use fengqiao::api::{AttachmentAdd, AwardDecideRequest, AwardPayRequest};
use fengqiao::api::{CareEndRequest, CareNeedStepRequest, CareVisitRequest, DayPlanPdfRequest};
use fengqiao::docs::ledger::LedgerKind;
use fengqiao::docs::roster::ImportReport;
use fengqiao::docs::stats::Figure;
use fengqiao::docs::stats::MonthStats;
use fengqiao::model::award::{AwardFigures, AwardInput, AwardMonth};
use fengqiao::model::care::{CareDefaultInput, CareMonth, CareNeedInput, CarePlanInput};
use fengqiao::model::day_plan::DayPlan;
use fengqiao::model::prevention::{
    FeedbackInput, FindingInput, FiveNones, HazardInput, LeadInput, OutreachInput, PatrolInput, TeamInput,
    VolunteerInput,
};
use fengqiao::model::service_station::{ServiceStationInput, StationFigures};
use fengqiao::store::attachment::{Attachment, AttachmentFile, AttachmentMonth, AttachmentOwnerRef};
use fengqiao::store::award::{Award, AwardFilter};
use fengqiao::store::care::{CareDefault, CareNeed, CarePlan, CarePlanDetail, CarePlanFilter, CarePlanPage};
// 法律顾问 and 驻所律师.
use fengqiao::api::MediationModeUpdate;
use fengqiao::model::counsel::{CounselMonth, LawyerInput, SittingInput};
use fengqiao::store::counsel::{Lawyer, LawyerDetail, LawyerDispute, Sitting, SittingFilter, SittingPage};
use fengqiao::store::county::duplicate::{DuplicateDecision, DuplicatePerson, DuplicateReason};
use fengqiao::store::county::station::{PostInfo, Station};
use fengqiao::store::county::user::CountyUser;
use fengqiao::store::prevention::{
    Feedback, Finding, FiveNonesYear, Hazard, Lead, Outreach, OutreachTotal, Patrol, Team, Volunteer,
};
use fengqiao::store::service_station::{ServiceStation, ServiceStationDetail, ServiceStationFilter};
use fengqiao::store::{audit, backup::BackupReport, user::User};
use fengqiao::sync::assign::Assignment;
use fengqiao::sync::assign::Received as AssignmentReceived;
use fengqiao::sync::code::{CodeRecord, IssuedCode};
use fengqiao::sync::{Conflict, ImportReport as BundleImportReport, NodeRole, Peer, Status};
use ts_rs::{Config, TS};

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/backend/types")
}

/// Each enum's codes with their Chinese labels, so the UI shows the core's words.
macro_rules! labels {
    ($out:expr, $($e:ident),+ $(,)?) => {{
        $(
            writeln!($out, "import type {{ {} }} from \"./{}\";", stringify!($e), stringify!($e)).unwrap();
        )+
        writeln!($out).unwrap();
        $(
            writeln!($out, "/** {}: code → 中文 */", $e::FIELD_LABEL).unwrap();
            writeln!($out, "export const {}Label: Record<{}, string> = {{", stringify!($e), stringify!($e)).unwrap();
            for v in $e::ALL {
                writeln!($out, "  {}: {:?},", v.as_str(), v.label()).unwrap();
            }
            writeln!($out, "}};\n").unwrap();
        )+
    }};
}

#[test]
fn typescript_bindings() {
    let dir = out_dir();
    // Start clean so a type removed in Rust disappears from the UI too.
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let cfg = Config::new().with_large_int("number").with_out_dir(&dir);
    macro_rules! export {
        ($($t:ty),+ $(,)?) => { $( <$t>::export_all(&cfg).unwrap(); )+ };
    }
    export!(
        ErrorReply,
        IdNumberCheck,
        IdNumberInfo,
        MethodInfo,
        DbInfo,
        DemoSummary,
        Created,
        IdRequest,
        NoParams,
        SearchRequest,
        SearchPage,
        PostInput,
        Post,
        VillageInput,
        Village,
        GroupInput,
        GroupRename,
        OfficerInput,
        Officer,
        HouseholdInput,
        Household,
        HouseholdFilter,
        HouseholdPage,
        PersonInput,
        Person,
        VisitInput,
        CatalogueRequest,
        Catalogue,
        ServiceItemInput,
        ErrandInput,
        Errand,
        ErrandFilter,
        ErrandPage,
        AdvanceRequest,
        CancelRequest,
        OverdueRequest,
        BoardRequest,
        Board,
        IncidentInput,
        Incident,
        IncidentFilter,
        IncidentPage,
        MonthRequest,
        PreventionMonth,
        KnownTag,
        AgreementCheck,
        DisputeRef,
        DueRequest,
        ReferRequest,
        WithdrawRequest,
        AgreementInput,
        DisputeInput,
        FollowUpInput,
        FulfilmentInput,
        MediationInput,
        PartyInput,
        Dispute,
        DisputeFilter,
        DisputePage,
        FollowUpDue,
        OverdueFulfilment,
        DisputeSource,
        Grade,
        Exclusion,
        SecurityOffence,
        // Sync (the 同步 screen).
        SyncExportRequest,
        SyncImportRequest,
        SyncNetworkRequest,
        EnrollRequestFile,
        EnrollAcceptFile,
        EnrollNetworkRequest,
        BundleSent,
        NetworkSync,
        EnrollRequestWritten,
        Enrolled,
        BundleImportReport,
        Status,
        Peer,
        NodeRole,
        Conflict,
        ConflictListRequest,
        ConflictRestoreRequest,
        AssignmentReceived,
    );
    // Prevention work and documents.
    export!(
        TeamInput,
        Team,
        VolunteerInput,
        Volunteer,
        VolunteerFilter,
        EndVolunteer,
        PatrolInput,
        FindingInput,
        Patrol,
        Finding,
        LeadInput,
        Lead,
        LeadFilter,
        AdvanceLead,
        HazardInput,
        Hazard,
        HazardFilter,
        HazardStepRequest,
        RewardRequest,
        OutreachInput,
        Outreach,
        OutreachTotal,
        FeedbackInput,
        Feedback,
        FeedbackFilter,
        AnswerFeedback,
        YearRequest,
        FiveNones,
        FiveNonesYear,
        ConfirmFiveNones,
        StatsExportRequest,
        ImportRequest,
        LedgerRequest,
        LedgerKind,
        AgreementPdfRequest,
        FollowUpPdfRequest,
        Written,
        MonthStats,
        ImportReport,
    );
    // Logins, users, the audit log, backups.
    export!(
        SessionInfo,
        LoginRequest,
        UserInput,
        SetPassword,
        LoginRef,
        User,
        audit::Entry,
        audit::Filter,
        audit::Page
    );
    export!(BackupRequest, BackupReport, AuditCheck);
    // The county console at HQ.
    export!(
        CountyRole,
        CountyLogin,
        LoginReply,
        CountySessionInfo,
        PasswordChange,
        CountyUserInput,
        ResetPassword,
        CountyUser,
        Station,
        PostInfo,
        StationSave,
        PostsRequest,
        PostUpdate,
        EnrollCodeRequest,
        IssuedCode,
        CodeRecord,
        AlarmsRequest,
        AlarmSeen,
        RefusalsRequest,
        OverviewRequest,
        Overview,
        OverviewTotals,
        PostRow,
        StatsRequest,
        CountyStats,
        Breakdown,
        PostFigures,
        VillageFigures,
        TrendPoint,
        StatsRecordsRequest,
        RecordRef,
        Figure,
        RecordRequest,
        RecordView,
        AssignRequest,
        AssignmentsRequest,
        Assignment,
        OverdueKind,
        OverdueItem,
        OverdueSort,
        OverdueFilter,
        OverduePage,
        Page<PostRow>,
    );
    // Early warning.
    export!(WarningRequest, WarningList, WarningSettings, WordsRequest, RepeatIncidents, DisputeSort);
    export!(CalendarDay, CalendarNotice, CalendarSave, CalendarYearRequest, YearCalendar);
    // Early warning at HQ, and 疑似重复人员.
    export!(
        CountyWarningFilter,
        CountyWarning,
        CountyWarningPage,
        PostWarningCounts,
        CountyWarningCounts,
        CountyWarningRules,
        WarningRulesSave,
        DuplicatesRequest,
        DuplicateSide,
        DuplicatePair,
        DuplicateDecide,
        DuplicateDecided,
        DuplicateReason,
        DuplicateDecision,
        DuplicatePerson,
    );
    // 结对帮扶 and 今日工作.
    export!(
        CareDefaultInput,
        CareDefault,
        CarePlanInput,
        CarePlan,
        CarePlanDetail,
        CarePlanFilter,
        CarePlanPage,
        CareNeedInput,
        CareNeed,
        CareEndRequest,
        CareVisitRequest,
        CareNeedStepRequest,
        CareMonth,
        DayPlan,
        DayPlanPdfRequest,
    );
    // 驿站 and 警务助理.
    export!(ServiceStationInput, ServiceStation, ServiceStationDetail, ServiceStationFilter, StationFigures);
    // 法律顾问 and 驻所律师.
    export!(
        LawyerInput,
        Lawyer,
        LawyerDetail,
        LawyerDispute,
        SittingInput,
        Sitting,
        SittingFilter,
        SittingPage,
        MediationModeUpdate,
        CounselMonth,
    );
    // 表彰奖励.
    export!(AwardInput, Award, AwardFilter, AwardFigures, AwardMonth, AwardDecideRequest, AwardPayRequest);
    // 照片和扫描件.
    export!(Attachment, AttachmentFile, AttachmentMonth, AttachmentOwnerRef, AttachmentAdd);
    let mut labels = String::from("// Generated by tests/typescript.rs from the core's enums. Do not edit.\n\n");
    labels!(
        labels,
        DisputeKind,
        DisputeSource,
        Grade,
        Track,
        MediationLevel,
        MediationOutcome,
        AgreementKind,
        DisputeStatus,
        PartyKind,
        PartyRole,
        SecurityOffence,
        Exclusion,
        Sex,
        Residence,
        Relation,
        Role,
        CountyRole,
        KnownTag,
        ErrandMode,
        ErrandStatus,
        DeliveryMethod,
        IncidentKind,
        Disposition,
        // 表彰奖励.
        AwardKind,
        AwardDecision,
        // 照片和扫描件.
        AttachmentOwner,
        FileType,
        // 结对帮扶 and 今日工作.
        CareNeedKind,
        CareNeedStatus,
        PlanItemKind,
        // 法律顾问 and 驻所律师.
        MediationMode,
        LawyerKind,
        // Prevention work.
        VolunteerRole,
        PatrolMode,
        FindingHandling,
        LeadStatus,
        HazardKind,
        HazardGrade,
        HazardStatus,
        OutreachTopic,
        FeedbackChannel,
        // Documents.
        LedgerKind,
        SearchMatch,
        // Early warning.
        RiskLevel,
        RiskSignal
    );
    errand_steps(&mut labels);
    roster_headers(&mut labels);
    std::fs::write(dir.join("labels.ts"), labels).unwrap();

    let mut index = String::from("// Generated by tests/typescript.rs. Do not edit.\n");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".ts").map(str::to_owned))
        .filter(|n| n != "index")
        .collect();
    names.sort();
    for n in names {
        if n == "labels" {
            writeln!(index, "export * from \"./labels\";").unwrap();
        } else {
            writeln!(index, "export type {{ {n} }} from \"./{n}\";").unwrap();
        }
    }
    std::fs::write(dir.join("index.ts"), index).unwrap();

    // The method names, so the UI's backend module cannot name a method the core lacks.
    let mut methods = String::from("// Generated by tests/typescript.rs from Api::methods(). Do not edit.\n\n");
    methods.push_str("export const METHODS = [\n");
    for m in Api::methods() {
        writeln!(methods, "  {:?}, // {}", m.name, m.summary).unwrap();
    }
    methods.push_str("] as const;\n\nexport type MethodName = (typeof METHODS)[number];\n");
    // Each method's Chinese summary, for showing a method to the officer (the audit log).
    methods.push_str("\nexport const METHOD_SUMMARY: Record<MethodName, string> = {\n");
    for m in Api::methods() {
        writeln!(methods, "  {:?}: {:?},", m.name, m.summary).unwrap();
    }
    methods.push_str("};\n");
    std::fs::write(dir.join("methods.ts"), methods).unwrap();
}

/// The errand lifecycle as the board needs it, computed by the core's own rules
/// (`model::errand::{expected_step, next}`), so the UI offers exactly the steps the core takes.
/// 花名册导入's columns: the headers each is recognised by, the usual one first.
fn roster_headers(out: &mut String) {
    writeln!(out, "\nimport type {{ RosterField }} from \"./RosterField\";\n").expect("writing to a String");
    writeln!(out, "/** 花名册导入: the headers each column is recognised by, the usual one first. */")
        .expect("writing to a String");
    writeln!(out, "export const RosterHeaders: Record<RosterField, string[]> = {{").expect("writing to a String");
    for (field, headers) in fengqiao::docs::roster::columns() {
        let code = serde_json::to_value(field).expect("a field is a string");
        writeln!(out, "  {}: {:?},", code.as_str().expect("a field is a string"), headers)
            .expect("writing to a String");
    }
    writeln!(out, "}};").expect("writing to a String");
}

fn errand_steps(out: &mut String) {
    use fengqiao::model::errand::{ErrandAction, expected_step, next};
    writeln!(out, "/** The step that normally follows each errand status: its target and its name. */")
        .expect("writing to a String");
    writeln!(
        out,
        "export const ErrandNextStep: Record<ErrandStatus, {{ to: ErrandStatus; label: string }} | null> = {{"
    )
    .expect("writing to a String");
    for s in ErrandStatus::ALL {
        match expected_step(*s).map(|a| (next(*s, a), a)) {
            Some((Ok(to), a)) => {
                writeln!(out, "  {}: {{ to: {:?}, label: {:?} }},", s.as_str(), to.as_str(), a.label())
            }
            _ => writeln!(out, "  {}: null,", s.as_str()),
        }
        .expect("writing to a String");
    }
    writeln!(out, "}};\n").expect("writing to a String");
    writeln!(out, "/** Whether an errand in each status may still be cancelled. */").expect("writing to a String");
    writeln!(out, "export const ErrandCancellable: Record<ErrandStatus, boolean> = {{").expect("writing to a String");
    for s in ErrandStatus::ALL {
        writeln!(out, "  {}: {},", s.as_str(), next(*s, ErrandAction::Cancel).is_ok()).expect("writing to a String");
    }
    writeln!(out, "}};").expect("writing to a String");
}
