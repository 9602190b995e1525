//! Demo incidents: about one per twelve households over the past year, of every kind, with
//! fraud calls among the most common, dispositions that fit the kind (older ones settled,
//! recent ones still pending), and case numbers for those opened as cases. All texts and
//! people are made up.

use chrono::Duration;

use super::Demo;
use crate::error::Result;
use crate::model::incident::IncidentInput;
use crate::model::{Disposition, IncidentKind, Role, Sex};
use crate::store::incident;

/// (kind, weight, summaries, usual dispositions)
type KindSpec = (IncidentKind, usize, &'static [&'static str], &'static [Disposition]);

const KINDS: &[KindSpec] = &[
    (
        IncidentKind::Dispute,
        20,
        &[
            "两户因宅基地边界发生争吵",
            "邻里因排水沟堵塞发生口角",
            "夫妻因家庭琐事争吵，一方报警",
            "村民因土地流转租金发生纠纷",
        ],
        &[Disposition::Mediated, Disposition::Mediated, Disposition::Referred, Disposition::NoAction],
    ),
    (
        IncidentKind::Fraud,
        18,
        &[
            "村民接到冒充电商客服电话，被诱导转账{amount}元",
            "老人接到冒充孙子的电话，称急需用钱，被骗{amount}元",
            "村民在网上刷单返利，被骗{amount}元",
            "村民接到冒充公检法电话，称涉嫌洗钱，民警及时劝阻，未转账",
        ],
        &[Disposition::CaseOpened, Disposition::CaseOpened, Disposition::Assisted, Disposition::Referred],
    ),
    (
        IncidentKind::Theft,
        10,
        &["村民家中电动车电瓶被盗", "村口小卖部夜间被撬，丢失香烟若干", "养殖场鸡鸭被盗十余只", "晾晒的衣物被人拿走"],
        &[Disposition::CaseOpened, Disposition::CaseOpened, Disposition::NoAction],
    ),
    (
        IncidentKind::Assault,
        6,
        &["两村民酒后发生推搡，一人轻微擦伤", "因停车问题发生口角并动手"],
        &[Disposition::Mediated, Disposition::CaseOpened],
    ),
    (
        IncidentKind::Traffic,
        8,
        &["电动自行车与三轮车在村道相撞，一人轻伤", "小轿车倒车刮擦路边农用车", "摩托车在弯道侧滑"],
        &[Disposition::Referred, Disposition::Mediated, Disposition::Assisted],
    ),
    (
        IncidentKind::Fire,
        4,
        &["村民在田边焚烧秸秆引燃杂草", "电动车在楼道充电时冒烟", "厨房油锅起火，已自行扑灭"],
        &[Disposition::Assisted, Disposition::NoAction, Disposition::Referred],
    ),
    (IncidentKind::Gambling, 3, &["群众举报村内空房有人聚众赌博"], &[Disposition::CaseOpened, Disposition::NoAction]),
    (IncidentKind::Drugs, 1, &["群众反映有外来人员形迹可疑，疑似涉毒"], &[Disposition::Referred]),
    (
        IncidentKind::Nuisance,
        6,
        &["村民办酒席深夜燃放烟花、音响扰民", "广场舞音响声音过大，邻居报警"],
        &[Disposition::Mediated, Disposition::NoAction],
    ),
    (
        IncidentKind::MissingPerson,
        5,
        &["独居老人外出未归，家属报警求助", "留守儿童放学未回家，家长报警"],
        &[Disposition::Assisted],
    ),
    (
        IncidentKind::Help,
        14,
        &[
            "老人在集市走失方向，求助回家",
            "村民钥匙锁在屋内，求助开锁",
            "群众捡到钱包一个，送至警务室",
            "村民家中老人突发疾病，求助送医",
        ],
        &[Disposition::Assisted, Disposition::Assisted, Disposition::NoAction],
    ),
    (
        IncidentKind::Other,
        5,
        &["群众反映村道路灯损坏", "村民咨询户籍政策"],
        &[Disposition::NoAction, Disposition::Referred],
    ),
];

const SPOTS: &[&str] = &["村口", "文化礼堂", "村委会门口", "溪边", "小卖部", "祠堂前", "村道", "老街"];
const HANDLING: &[&str] = &[
    "民警、辅警接警后十分钟到场，了解情况并做好记录",
    "民警到场后稳定双方情绪，约定到警务室进一步处理",
    "辅警到场核实，联系百户长协助处置",
    "民警电话回访报警人，了解处理结果",
];

/// The kind whose share of the total weight holds `w`.
fn weighted(mut w: usize) -> &'static KindSpec {
    for spec in KINDS {
        if w < spec.1 {
            return spec;
        }
        w -= spec.1;
    }
    &KINDS[0]
}

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let n = d.summary.households.div_ceil(12);
    if d.persons.is_empty() || d.villages.is_empty() {
        return Ok(());
    }
    let villages: Vec<(String, String)> = {
        let conn = d.api.store().conn();
        let mut out = Vec::new();
        for id in &d.villages {
            out.push((id.clone(), crate::store::place::village_name(conn, "village_id", id)?));
        }
        out
    };
    let total_weight: usize = KINDS.iter().map(|k| k.1).sum();
    let mut inputs = Vec::with_capacity(n);
    for seq in 0..n {
        let (kind, _, summaries, dispositions) = *weighted(d.rng.below(total_weight));
        let days = d.rng.range(2, 365);
        let day = d.today - Duration::days(days);
        let minute = d.rng.range(0, 24 * 60 - 1);
        let occurred = day.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(minute);
        let reported = occurred + Duration::minutes(d.rng.range(2, 45));
        let reporter = d.resident();
        // Most incidents happen where the reporter lives.
        let (village_id, village_name) = match villages.iter().find(|v| v.0 == reporter.village_id) {
            Some(v) if d.rng.chance(80) => v.clone(),
            _ => d.rng.pick(&villages).clone(),
        };
        let place = format!("{village_name}{}组{}", d.rng.range(1, 6), d.rng.pick(SPOTS));
        let amount = d.rng.range(5, 600) * 100;
        let summary = d.rng.pick(summaries).replace("{amount}", &amount.to_string());
        let disposition = if days < 10 && d.rng.chance(50) { Disposition::Pending } else { *d.rng.pick(dispositions) };
        let case_no = (disposition == Disposition::CaseOpened)
            .then(|| format!("A330326{}{:04}", day.format("%Y%m%d"), seq % 10_000));
        let (reporter_name, reporter_phone, reporter_person_id) = if d.rng.chance(70) {
            (Some(reporter.name.clone()), reporter.phone.clone(), Some(reporter.id.clone()))
        } else {
            let sex = if d.rng.chance(50) { Sex::Male } else { Sex::Female };
            (Some(d.name(sex)), Some(d.phone()), None)
        };
        let mut person_ids = Vec::new();
        if matches!(kind, IncidentKind::Dispute | IncidentKind::Assault | IncidentKind::Fraud) {
            person_ids.push(reporter.id.clone());
            if kind != IncidentKind::Fraud {
                person_ids.push(d.resident().id);
            }
        }
        let people = (kind == IncidentKind::Traffic).then(|| "对方驾驶人（外地车辆）".to_owned());
        let handling =
            (disposition != Disposition::Pending || d.rng.chance(50)).then(|| (*d.rng.pick(HANDLING)).to_owned());
        inputs.push(IncidentInput {
            occurred_at: occurred.format("%Y-%m-%d %H:%M").to_string(),
            reported_at: Some(reported.format("%Y-%m-%d %H:%M").to_string()),
            place,
            village_id: Some(village_id),
            kind,
            reporter_name,
            reporter_phone,
            reporter_person_id,
            people,
            person_ids,
            summary,
            handling,
            disposition: Some(disposition),
            dispute_id: None,
            case_no,
            officer_id: Some(d.officer(&[Role::Officer, Role::Auxiliary])),
        });
    }
    for batch in inputs.chunks(500) {
        let batch = batch.to_vec();
        d.api.store_mut().write(|tx| {
            for input in batch {
                incident::create(tx, input)?;
            }
            Ok(())
        })?;
    }
    d.summary.incidents = n;
    Ok(())
}
