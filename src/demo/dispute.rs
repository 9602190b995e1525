//! Demo disputes: about one per fifteen households, of every kind and in every status:
//! just received, climbing the 初调 → 复调 → 联调 ladder, settled with a draft agreement,
//! people's and 治安调解 agreements numbered and being carried out (some overdue), oral
//! agreements, fulfilled ones with their follow-up due or done and closed, defaults,
//! failures handed on to the court or the 司法所, and withdrawals.
//!
//! Every step goes through the store's dispute functions, so the demo obeys the same rules
//! as the user: the ladder, the 治安调解 deadlines, the agreement's required fields. The
//! facts are made up.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};

use super::{Demo, DemoPerson};
use crate::error::Result;
use crate::model::dispute::{AgreementInput, DisputeInput, FollowUpInput, FulfilmentInput, MediationInput, PartyInput};
use crate::model::time::age_on;
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, Grade, MediationLevel, MediationOutcome, PartyKind, PartyRole, Role,
    SecurityOffence, Sex, Track,
};
use crate::store::{dispute, place};

/// A people's dispute story: (kind, topic, facts, matters, responsibility, terms, method,
/// amount range in yuan).
type Story =
    (DisputeKind, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, (i64, i64));

const STORIES: &[Story] = &[
    (
        DisputeKind::Homestead,
        "宅基地边界",
        "一方翻建房屋时围墙越过原界址约30厘米，另一方认为侵占其宅基地",
        "围墙位置及恢复原状",
        "翻建方未经双方共同确认界址擅自施工，负主要责任",
        "翻建方将围墙后退至原界址，并承担拆除重砌费用",
        "自行拆除重砌，村委会派员现场确认",
        (2_000, 20_000),
    ),
    (
        DisputeKind::Neighbour,
        "排水",
        "一方新修排水沟将雨水引向邻居院子，雨天积水影响通行",
        "排水沟走向及损失赔偿",
        "修沟一方未考虑邻居排水，负主要责任",
        "修沟一方改造排水沟接入村道边沟，并赔偿清理费用",
        "自行改造，现金支付",
        (300, 3_000),
    ),
    (
        DisputeKind::Neighbour,
        "噪音",
        "一方在家中开设小型加工作坊，夜间机器噪音影响邻居休息",
        "作业时间",
        "作坊一方夜间作业扰民，负主要责任",
        "作坊一方晚九时至早七时停止作业，并对机器加装隔音设施",
        "自行整改",
        (0, 0),
    ),
    (
        DisputeKind::Family,
        "赡养",
        "老人有三个子女，对赡养费分摊和轮流照料安排意见不一",
        "赡养费分摊及照料安排",
        "子女均负有赡养义务",
        "三个子女每人每月支付赡养费600元，按季度轮流照料老人",
        "每月5日前转账给老人",
        (7_000, 22_000),
    ),
    (
        DisputeKind::Family,
        "家庭财产",
        "夫妻因家庭开支和外出务工收入分配发生争吵，一方回娘家居住",
        "家庭收入管理",
        "双方沟通不足，均有责任",
        "双方共同管理家庭收入，重大开支协商决定",
        "双方自行履行",
        (0, 0),
    ),
    (
        DisputeKind::Damages,
        "家禽损毁庄稼",
        "一方散养的鸭子多次进入邻居稻田，损毁秧苗约半亩",
        "损失赔偿",
        "养殖方未圈养家禽，负全部责任",
        "养殖方赔偿秧苗损失，并从即日起圈养家禽",
        "现金一次性支付",
        (400, 1_500),
    ),
    (
        DisputeKind::Contract,
        "工程款",
        "村民请同村人建造三层住房，完工后对尾款数额发生争议",
        "尾款金额及质量问题",
        "双方合同约定不明，各负一定责任",
        "房主支付尾款的八成，施工方对渗水部位免费维修",
        "分两期转账支付",
        (8_000, 60_000),
    ),
    (
        DisputeKind::Land,
        "承包地",
        "两户对承包地边界的田埂位置各执一词，均称对方多种了一垄",
        "承包地边界",
        "双方对边界记忆不一，以确权登记图为准",
        "按确权登记图重新埋设界桩，多种部分的收成归对方",
        "村委会现场埋桩",
        (0, 2_000),
    ),
    (
        DisputeKind::Labour,
        "工资",
        "务工人员在本村茶叶加工厂做工两个月，厂方以质量问题为由扣发部分工资",
        "工资结算",
        "厂方扣款无依据，负主要责任",
        "厂方足额支付拖欠工资",
        "银行转账",
        (3_000, 12_000),
    ),
    (
        DisputeKind::Traffic,
        "交通事故赔偿",
        "电动自行车与三轮车在村道会车时相撞，一人腿部擦伤",
        "医药费及车辆维修费",
        "交警认定三轮车一方负主要责任",
        "三轮车一方承担医药费和维修费的七成",
        "现金一次性支付",
        (1_000, 8_000),
    ),
    (
        DisputeKind::VillageAffairs,
        "土地补偿款分配",
        "外嫁女户口仍在村里，对村集体土地补偿款分配份额有异议",
        "补偿款分配份额",
        "村规民约与法律规定不一致",
        "按法律规定补发应得份额",
        "村集体转账支付",
        (5_000, 30_000),
    ),
    (
        DisputeKind::Environment,
        "养殖异味",
        "一户在屋后养猪十余头，气味和污水影响周边住户",
        "养殖污染治理",
        "养殖户未建污水处理设施，负主要责任",
        "养殖户三个月内将猪舍迁离居民区，期间每日清理",
        "自行整改",
        (0, 0),
    ),
    (
        DisputeKind::PropertyMgmt,
        "物业费",
        "安置小区业主以电梯经常故障为由拒交物业费",
        "物业费及电梯维修",
        "双方均有过错",
        "物业公司一个月内修复电梯，业主补交物业费",
        "业主转账，物业公司书面承诺",
        (600, 2_400),
    ),
    (
        DisputeKind::Medical,
        "诊所治疗",
        "村民在村诊所输液后出现过敏反应，要求赔偿",
        "医疗费及误工费",
        "诊所未详细询问过敏史，负一定责任",
        "诊所承担后续医疗费并补偿误工费",
        "现金一次性支付",
        (1_000, 6_000),
    ),
    (
        DisputeKind::Other,
        "借款",
        "同村人借款三万元约定一年归还，逾期未还",
        "还款期限及利息",
        "借款人逾期还款，负主要责任",
        "借款人分三期还清本金，出借人放弃利息",
        "每月转账一万元",
        (30_000, 30_000),
    ),
];

/// A 治安调解 story: (offence, what happened, cause, course, circumstances, result, terms).
type Case = (SecurityOffence, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

const CASES: &[Case] = &[
    (
        SecurityOffence::Assault,
        "殴打",
        "因停车位发生口角",
        "双方争吵中一方推搡并打了对方一拳",
        "情节轻微，事后主动报警",
        "被侵害人面部软组织挫伤",
        "违法行为人赔礼道歉并赔偿医药费",
    ),
    (
        SecurityOffence::PropertyDamage,
        "损毁财物",
        "因宅基地纠纷积怨",
        "一方酒后砸坏对方院门玻璃和电动车后视镜",
        "初次违法，认错态度较好",
        "财物损失经价格认定约一千元",
        "违法行为人照价赔偿并书面保证不再发生",
    ),
    (
        SecurityOffence::Insult,
        "辱骂",
        "因广场舞音响音量争执",
        "一方在村文化礼堂前当众辱骂对方",
        "情节较轻，未造成严重后果",
        "被侵害人名誉受损",
        "违法行为人当众赔礼道歉",
    ),
    (
        SecurityOffence::Disturbance,
        "干扰生活",
        "因讨要欠款未果",
        "一方多次深夜拨打对方电话并在门口叫骂",
        "持续一周，经劝阻后停止",
        "影响对方家庭正常休息",
        "违法行为人停止骚扰，欠款另行协商",
    ),
    (
        SecurityOffence::Injury,
        "伤害",
        "因农田灌溉用水先后发生争执",
        "双方扭打中一方用锄柄击伤对方手臂",
        "情节较轻，伤情鉴定为轻微伤",
        "被侵害人左臂轻微伤",
        "违法行为人赔偿医药费、误工费和营养费",
    ),
];

const ORGANISATIONS: &[(&str, &str)] = &[
    ("青山建材有限公司", "青山镇工业区1号"),
    ("平安县溪口茶叶专业合作社", "溪口村茶园路8号"),
    ("青山镇安居物业服务有限公司", "青山镇安置小区服务中心"),
    ("梅岭农家乐", "梅岭村1组22号"),
];
const CHIEFS: &[&str] = &["王德明", "李春生", "陈长林", "吴金水", "郑永康", "林国平"];
const FOLLOW_NOTES: &[&str] = &[
    "电话回访，双方表示协议已履行，关系已缓和",
    "上门回访，现场查看已整改到位",
    "回访时遇见双方当事人，未再发生争执",
    "百户长协助回访，双方均表示满意",
];
const REFER_TO: &[&str] = &["青山镇司法所", "平安县人民法院", "平安县公安局"];

/// Where a demo dispute ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Registered,
    Mediating,
    Agreed,
    Fulfilling,
    Overdue,
    FulfilledAwaitingFollowUp,
    Closed,
    Defaulted,
    Failed,
    Referred,
    Withdrawn,
}

enum Step {
    Mediate(MediationInput),
    Save(AgreementInput),
    Finalise,
    Fulfil(FulfilmentInput),
    FollowUp(FollowUpInput),
    Refer(&'static str, NaiveDate),
    Withdraw(&'static str),
}

struct Plan {
    input: DisputeInput,
    steps: Vec<Step>,
}

fn day(d: NaiveDate) -> Option<String> {
    Some(d.format("%Y-%m-%d").to_string())
}

/// What the demo needs to know beyond [`Demo`].
struct Cast {
    adults: Vec<usize>,
    minors: Vec<usize>,
    officers: Vec<(String, String)>,
    auxiliaries: Vec<(String, String)>,
}

fn party(d: &mut Demo<'_>, p: &DemoPerson, role: PartyRole) -> PartyInput {
    let phone = p.phone.clone().or_else(|| Some(d.phone()));
    PartyInput { person_id: Some(p.id.clone()), role: Some(role), phone, ..Default::default() }
}

fn adult(d: &mut Demo<'_>, cast: &Cast, not: &[&str]) -> DemoPerson {
    loop {
        let p = d.persons[cast.adults[d.rng.below(cast.adults.len())]].clone();
        if !not.contains(&p.id.as_str()) {
            return p;
        }
    }
}

/// The first disputes run through every fate once (both tracks), so even a small demo
/// shows every status; the rest are drawn at random.
const FIRST: &[(Fate, bool, bool)] = &[
    // (fate, 治安调解, oral agreement)
    (Fate::Closed, false, false),
    (Fate::Fulfilling, true, false),
    (Fate::Overdue, false, false),
    (Fate::FulfilledAwaitingFollowUp, false, true),
    (Fate::Defaulted, true, false),
    (Fate::Referred, false, false),
    (Fate::Agreed, false, false),
    (Fate::Mediating, false, false),
    (Fate::Registered, true, false),
    (Fate::Failed, true, false),
    (Fate::Withdrawn, false, false),
    (Fate::Closed, true, false),
];

fn plan(d: &mut Demo<'_>, cast: &Cast, forced: Option<(Fate, bool, bool)>) -> Plan {
    let today = d.today;
    let drawn = match d.rng.below(100) {
        0..=7 => Fate::Registered,
        8..=16 => Fate::Mediating,
        17..=21 => Fate::Agreed,
        22..=30 => Fate::Fulfilling,
        31..=36 => Fate::Overdue,
        37..=44 => Fate::FulfilledAwaitingFollowUp,
        45..=74 => Fate::Closed,
        75..=79 => Fate::Defaulted,
        80..=86 => Fate::Failed,
        87..=93 => Fate::Referred,
        _ => Fate::Withdrawn,
    };
    let security = d.rng.chance(22);
    let oral = d.rng.chance(15);
    let (fate, security, oral) = forced.unwrap_or((drawn, security, oral));
    let received_on = match fate {
        Fate::Registered => d.days_ago(0, if security { 1 } else { 6 }),
        Fate::Mediating | Fate::Agreed => d.days_ago(8, 30),
        Fate::Fulfilling => d.days_ago(8, 14),
        Fate::Overdue | Fate::FulfilledAwaitingFollowUp | Fate::Defaulted => d.days_ago(40, 80),
        Fate::Withdrawn => d.days_ago(8, 120),
        Fate::Closed | Fate::Failed | Fate::Referred => d.days_ago(60, 700),
    };
    let presider = cast.officers[d.rng.below(cast.officers.len())].clone();
    let aux = cast.auxiliaries.get(d.rng.below(cast.auxiliaries.len())).cloned();
    let recorder = aux.as_ref().map(|a| a.1.clone()).unwrap_or_else(|| presider.1.clone());

    let a = adult(d, cast, &[]);
    let mut parties;
    let mut input;
    if security {
        let (offence, what, cause, course, circumstances, result, _) = *d.rng.pick(CASES);
        let minor = fate != Fate::Registered && !cast.minors.is_empty() && d.rng.chance(15);
        let offender = if minor {
            d.persons[cast.minors[d.rng.below(cast.minors.len())]].clone()
        } else {
            adult(d, cast, &[&a.id])
        };
        let mut off = party(d, &offender, PartyRole::Offender);
        if minor {
            let sex = if d.rng.chance(50) { Sex::Male } else { Sex::Female };
            off.guardian_name = Some(d.name(sex));
            off.guardian_relation = Some((*d.rng.pick(&["父子", "母子", "祖孙"])).into());
        }
        let mut victim = party(d, &a, PartyRole::Victim);
        if d.rng.chance(10) {
            victim.agent_name = Some(d.name(Sex::Male));
            victim.agent_authority_ref = Some(format!("授权委托书（{}）", received_on.format("%Y-%m-%d")));
        }
        parties = vec![off, victim];
        let hour = d.rng.range(7, 22);
        input = DisputeInput {
            received_on: day(received_on),
            source: Some(if d.rng.chance(70) { DisputeSource::Call } else { DisputeSource::Patrol }),
            kind: Some(if offence == SecurityOffence::PropertyDamage {
                DisputeKind::Damages
            } else {
                DisputeKind::Neighbour
            }),
            grade: Some(Grade::General),
            track: Some(Track::Security),
            title: format!("{}{}{}案", offender.name, what, a.name),
            amount_involved: Some(d.rng.range(2, 30) * 10_000),
            village_id: Some(a.village_id.clone()),
            officer_id: Some(presider.0.clone()),
            facts: Some(format!("{cause}，{course}。")),
            matters: Some("赔偿数额及赔礼道歉".into()),
            responsibility: Some("违法行为人负主要责任".into()),
            offence: Some(offence),
            occurred_at: Some(format!("{} {hour:02}:{:02}", received_on.format("%Y-%m-%d"), d.rng.range(0, 59))),
            place: Some(format!("{}村道旁", d.rng.pick(&["文化礼堂", "小卖部", "晒谷场", "村口"]))),
            cause: Some(cause.into()),
            course: Some(course.into()),
            circumstances: Some(circumstances.into()),
            result: Some(result.into()),
            ..Default::default()
        };
    } else {
        let story = *d.rng.pick(STORIES);
        let (kind, topic, facts, matters, responsibility, _, _, (lo, hi)) = story;
        let organisation =
            matches!(kind, DisputeKind::Labour | DisputeKind::PropertyMgmt | DisputeKind::Medical) && d.rng.chance(60);
        let (b_name, b) = if organisation {
            let (name, address) = *d.rng.pick(ORGANISATIONS);
            let rep = d.name(Sex::Male);
            let phone = d.phone();
            (
                name.to_owned(),
                PartyInput {
                    kind: Some(PartyKind::Organisation),
                    role: Some(PartyRole::Respondent),
                    name: Some(name.into()),
                    address: Some(address.into()),
                    legal_rep: Some(rep),
                    phone: Some(phone),
                    ..Default::default()
                },
            )
        } else {
            // A family quarrel stays in the household when it has another adult.
            let same_house: Vec<usize> = if kind == DisputeKind::Family {
                cast.adults
                    .iter()
                    .copied()
                    .filter(|i| d.persons[*i].household_id == a.household_id && d.persons[*i].id != a.id)
                    .take(4)
                    .collect()
            } else {
                vec![]
            };
            let b = match same_house.as_slice() {
                [] => adult(d, cast, &[&a.id]),
                many => d.persons[many[d.rng.below(many.len())]].clone(),
            };
            (b.name.clone(), party(d, &b, PartyRole::Respondent))
        };
        parties = vec![party(d, &a, PartyRole::Applicant), b];
        input = DisputeInput {
            received_on: day(received_on),
            source: Some(*d.rng.pick(&[
                DisputeSource::WalkIn,
                DisputeSource::WalkIn,
                DisputeSource::HundredHouseholdHead,
                DisputeSource::Call,
                DisputeSource::Patrol,
                DisputeSource::Assigned,
            ])),
            kind: Some(kind),
            grade: Some(*d.rng.pick(&[Grade::Simple, Grade::Simple, Grade::General, Grade::General, Grade::Major])),
            track: Some(Track::People),
            title: format!("{}与{}{}纠纷", a.name, b_name, topic),
            amount_involved: Some(d.rng.range(lo, hi) * 100),
            village_id: Some(a.village_id.clone()),
            officer_id: Some(presider.0.clone()),
            facts: Some(facts.into()),
            matters: Some(matters.into()),
            responsibility: Some(responsibility.into()),
            ..Default::default()
        };
    }
    input.parties = std::mem::take(&mut parties);
    let story_terms = if security {
        CASES
            .iter()
            .find(|c| Some(c.0) == input.offence)
            .map(|c| (c.6, "现金一次性支付"))
            .unwrap_or(("赔礼道歉", "当面履行"))
    } else {
        STORIES
            .iter()
            .find(|s| Some(s.0) == input.kind && input.title.contains(s.1))
            .map(|s| (s.5, s.6))
            .unwrap_or(("双方和解", "自行履行"))
    };

    let mut steps = vec![];
    let mut on = received_on;
    let session = |level, on: NaiveDate, outcome, presided: bool, mediators: Vec<String>| MediationInput {
        dispute_id: String::new(),
        level: Some(level),
        held_on: day(on),
        place: Some(if presided { "青山中心警务室".into() } else { "村委会调解室".into() }),
        mediators,
        presider_officer_id: presided.then(|| presider.0.clone()),
        officer_ids: vec![],
        attendees: None,
        recorder: Some(recorder.clone()),
        record: Some(match outcome {
            MediationOutcome::Settled => "经耐心疏导，双方各让一步，达成一致".into(),
            MediationOutcome::Failed => "双方分歧较大，均不愿让步，调解不成".into(),
            MediationOutcome::Escalated => "双方意见分歧，提交上一级调解".into(),
            MediationOutcome::Continued => "双方情绪有所缓和，约定择日再谈".into(),
        }),
        outcome: Some(outcome),
        recording_ref: None,
    };
    let chief = (*d.rng.pick(CHIEFS)).to_owned();
    let director = (*d.rng.pick(CHIEFS)).to_owned();
    let last_outcome = match fate {
        Fate::Registered => None,
        Fate::Withdrawn => d.rng.chance(50).then_some(MediationOutcome::Continued),
        Fate::Mediating => Some(MediationOutcome::Continued),
        Fate::Failed | Fate::Referred => Some(MediationOutcome::Failed),
        _ => Some(MediationOutcome::Settled),
    };
    if let Some(outcome) = last_outcome {
        if security {
            // 治安调解: police-presided, on the day of intake or the next; a second session when
            // the first did not settle at once.
            if outcome != MediationOutcome::Continued && d.rng.chance(30) {
                steps.push(Step::Mediate(session(
                    MediationLevel::Joint,
                    on,
                    MediationOutcome::Continued,
                    true,
                    vec![],
                )));
                on += Duration::days(1);
            }
            let mut s = session(MediationLevel::Joint, on, outcome, true, vec![]);
            if let Some((aux_id, _)) = &aux
                && d.rng.chance(40)
            {
                s.officer_ids = vec![aux_id.clone()];
                s.recording_ref = Some(format!("执法记录仪 {}-{:04}", on.format("%Y%m%d"), d.rng.below(10_000)));
            }
            steps.push(Step::Mediate(s));
        } else {
            // The ladder: often 初调 by the 百户长, then 复调 by the 治保主任, then 联调 at the post.
            let start = *d.rng.pick(&[
                MediationLevel::Initial,
                MediationLevel::Initial,
                MediationLevel::Review,
                MediationLevel::Joint,
            ]);
            let ladder: Vec<MediationLevel> = [MediationLevel::Initial, MediationLevel::Review, MediationLevel::Joint]
                .into_iter()
                .filter(|l| *l >= start)
                .collect();
            let stop = if outcome == MediationOutcome::Continued { 1 } else { 1 + d.rng.below(ladder.len()) };
            for (i, level) in ladder.iter().take(stop).enumerate() {
                on += Duration::days(d.rng.range(1, 2));
                let last = i + 1 == stop;
                let out = if last { outcome } else { MediationOutcome::Escalated };
                let (mediators, presided) = match level {
                    MediationLevel::Initial => (vec![chief.clone()], false),
                    MediationLevel::Review => (vec![director.clone()], false),
                    MediationLevel::Joint => (vec![chief.clone(), director.clone()], true),
                };
                steps.push(Step::Mediate(session(*level, on, out, presided, mediators)));
            }
        }
    }
    let settled_on = on;
    let kind = match (oral, security) {
        (true, _) => AgreementKind::Oral,
        (false, true) => AgreementKind::Security,
        (false, false) => AgreementKind::People,
    };
    let deadline = match fate {
        Fate::Fulfilling => today + Duration::days(d.rng.range(3, 25)),
        _ => settled_on + Duration::days(d.rng.range(5, 20)),
    };
    let agreement = AgreementInput {
        kind: Some(kind),
        terms: Some(story_terms.0.into()),
        performance_method: Some(story_terms.1.into()),
        performance_place: Some(if security { "青山中心警务室".into() } else { "当事人住所".into() }),
        performance_deadline: day(deadline),
        copies: Some(3),
        mediators: if security { vec![presider.1.clone()] } else { vec![chief.clone(), director.clone()] },
        recorder: Some(recorder.clone()),
        presider_officer_id: security.then(|| presider.0.clone()),
        effective_on: day(settled_on),
        issuer: None,
    };
    let fulfilled_on = (deadline - Duration::days(d.rng.range(0, 3))).max(settled_on).min(today);
    match fate {
        Fate::Registered | Fate::Mediating | Fate::Failed => {}
        Fate::Agreed => steps.push(Step::Save(AgreementInput {
            kind: Some(kind),
            terms: agreement.terms.clone(),
            ..Default::default()
        })),
        Fate::Referred => {
            let to = if security { "青山派出所（依法作出处理决定）" } else { *d.rng.pick(REFER_TO) };
            steps.push(Step::Refer(to, (settled_on + Duration::days(3)).min(today)));
        }
        Fate::Withdrawn => steps.push(Step::Withdraw("双方已自行和解，申请人撤回调解申请")),
        Fate::Fulfilling | Fate::Overdue | Fate::FulfilledAwaitingFollowUp | Fate::Closed | Fate::Defaulted => {
            steps.push(Step::Save(agreement));
            steps.push(Step::Finalise);
            let fulfilment = |fulfilled: bool, on: NaiveDate, note: &str| {
                Step::Fulfil(FulfilmentInput {
                    dispute_id: String::new(),
                    fulfilled,
                    on: day(on),
                    note: Some(note.into()),
                })
            };
            match fate {
                Fate::FulfilledAwaitingFollowUp => steps.push(fulfilment(true, fulfilled_on, "已按协议履行完毕")),
                Fate::Closed => {
                    steps.push(fulfilment(true, fulfilled_on, "已按协议履行完毕"));
                    let done_on = (deadline + Duration::days(d.rng.range(0, 7))).min(today).max(fulfilled_on);
                    steps.push(Step::FollowUp(FollowUpInput {
                        done_on: day(done_on),
                        held: true,
                        satisfaction: Some((*d.rng.pick(&["满意", "满意", "基本满意"])).into()),
                        notes: Some((*d.rng.pick(FOLLOW_NOTES)).into()),
                        officer_id: Some(presider.0.clone()),
                        ..Default::default()
                    }));
                }
                Fate::Defaulted => {
                    steps.push(fulfilment(
                        false,
                        (deadline + Duration::days(2)).min(today),
                        "逾期未履行，经催告仍未履行",
                    ));
                    if security && d.rng.chance(50) {
                        steps.push(Step::Refer("青山派出所（依法作出处理决定）", today));
                    }
                }
                _ => {}
            }
        }
    }
    Plan { input, steps }
}

const BATCH: usize = 100;

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    // About one dispute per fifteen households (at least one of every fate), bounded so a
    // county-sized demo stays quick.
    let n = (d.persons.len() / 50).clamp(FIRST.len(), 3_000);
    let conn = d.api.store().conn();
    let officers = place::list_officers(conn)?;
    let no_id: HashSet<String> = conn
        .prepare("SELECT id FROM person WHERE id_number IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let today = d.today;
    let with_id = |p: &DemoPerson| !no_id.contains(&p.id);
    let cast = Cast {
        adults: (0..d.persons.len())
            .filter(|i| with_id(&d.persons[*i]) && age_on(d.persons[*i].birth, today) >= 18)
            .collect(),
        minors: (0..d.persons.len())
            .filter(|i| with_id(&d.persons[*i]) && (14..16).contains(&age_on(d.persons[*i].birth, today)))
            .collect(),
        officers: officers.iter().filter(|o| o.role == Role::Officer).map(|o| (o.id.clone(), o.name.clone())).collect(),
        auxiliaries: officers
            .iter()
            .filter(|o| o.role == Role::Auxiliary)
            .map(|o| (o.id.clone(), o.name.clone()))
            .collect(),
    };
    if n == 0 || cast.adults.len() < 2 || cast.officers.is_empty() {
        return Ok(());
    }
    let mut done = 0;
    while done < n {
        let plans: Vec<Plan> =
            (done..done + BATCH.min(n - done)).map(|i| plan(d, &cast, FIRST.get(i).copied())).collect();
        done += plans.len();
        d.api.store_mut().write(|tx| {
            for p in plans {
                let id = dispute::create(tx, p.input)?;
                for step in p.steps {
                    match step {
                        Step::Mediate(mut m) => {
                            m.dispute_id = id.clone();
                            dispute::add_mediation(tx, m)?;
                        }
                        Step::Save(a) => dispute::save_agreement(tx, &id, a)?,
                        Step::Finalise => {
                            dispute::finalise(tx, &id)?;
                        }
                        Step::Fulfil(mut f) => {
                            f.dispute_id = id.clone();
                            dispute::record_fulfilment(tx, f)?;
                        }
                        Step::FollowUp(mut f) => {
                            f.dispute_id = Some(id.clone());
                            dispute::record_follow_up(tx, f)?;
                        }
                        Step::Refer(to, on) => dispute::refer(tx, &id, to, day(on).as_deref())?,
                        Step::Withdraw(reason) => dispute::withdraw(tx, &id, Some(reason))?,
                    }
                }
            }
            Ok(())
        })?;
    }
    d.summary.disputes = n;
    Ok(())
}
