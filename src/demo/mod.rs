//! Deterministic demo data for a post: villages and groups, officers, households with
//! 2- and 3-character Chinese names and valid ID numbers, visits, and (in the submodules)
//! disputes at every stage, errands in every status, incidents and a dispute at risk.
//!
//! The same seed gives the same people, numbers and texts; dates are laid out relative to
//! the clock's today, so a fresh demo always has follow-ups due and errands overdue.
//! All names are made up.

mod attachment;
mod award;
mod care;
mod counsel;
mod dispute;
mod errand;
mod incident;
mod prevention;
mod service_station;
mod warning;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::api::Api;
use crate::error::Result;
use crate::model::id_number::compose;
use crate::model::people::{HouseholdInput, OfficerInput, PersonInput, PostInput, VillageInput, VisitInput};
use crate::model::{Relation, Residence, Role, Sex};
use crate::store::write::splitmix64;
use crate::store::{IdGen, household, person, place};

/// What `demo` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// How many households.
    pub households: usize,
    /// The seed: the same seed gives the same data.
    pub seed: u64,
}

/// What `demo` made.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemoSummary {
    /// Villages.
    pub villages: usize,
    /// Officers.
    pub officers: usize,
    /// Households.
    pub households: usize,
    /// Persons.
    pub persons: usize,
    /// Visits.
    pub visits: usize,
    /// Disputes.
    pub disputes: usize,
    /// Errands.
    pub errands: usize,
    /// Incidents.
    pub incidents: usize,
    /// Patrols.
    pub patrols: usize,
}

/// A small deterministic generator for demo choices.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_F00D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (splitmix64(&mut self.0) % n as u64) as usize }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as usize) as i64
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "蒋", "蔡", "余",
    "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "钟", "陆", "汪", "金", "石", "夏", "方", "白", "雷", "应",
    "缪", "章", "郑", "林", "陈", "黄", "王",
];
const MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "建国", "建华",
    "志强", "国平", "海峰", "文斌", "永康", "德明", "学军", "春生", "长林", "金水", "宏伟", "俊杰", "子豪", "浩然",
    "宇轩", "立新", "荣华", "瑞", "昊", "晨", "鑫", "坤",
];
const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "萍", "红", "秀英", "桂英", "秀兰", "玉兰", "美华",
    "丽华", "春梅", "秋香", "雪梅", "慧", "婷", "欣怡", "梓涵", "雨桐", "可欣", "佳琪", "晓燕", "海燕", "凤英", "月娥",
];
const VILLAGES: &[(&str, &str)] = &[
    ("青山村", "330326101201"),
    ("溪口村", "330326101202"),
    ("石桥村", "330326101203"),
    ("梅岭村", "330326101204"),
    ("竹坑村", "330326101205"),
    ("上垟村", "330326101206"),
    ("枫林村", "330326101207"),
    ("下洋村", "330326101208"),
];
const OFFICERS: &[(&str, Role, &str)] = &[
    ("周立新", Role::Officer, "061234"),
    ("陈晓东", Role::Officer, "061877"),
    ("林海燕", Role::Auxiliary, ""),
    ("吴志强", Role::Auxiliary, ""),
    ("郑国华", Role::StationAdmin, "060512"),
];
const REGIONS: &[&str] = &["330326", "330326", "330326", "330326", "330327", "330381", "511321", "362427"];
const ETHNIC: &[&str] = &["汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "畲族", "回族"];
const VISIT_NOTES: &[(&str, &str)] = &[
    ("老人身体尚可，独自居住，子女在外务工，已留联系卡", "希望定期上门看看"),
    ("宣传防范电信网络诈骗，指导安装国家反诈中心APP", ""),
    ("检查电动自行车充电情况，提醒不要楼道充电", ""),
    ("了解家庭矛盾情况，双方情绪已平稳", "希望村里帮助调解宅基地边界"),
    ("户口簿信息核对无误", "孙子需要办理首次身份证"),
    ("走访留守儿童，学习生活正常", ""),
];

/// Everything the generators share.
pub(crate) struct Demo<'a> {
    pub api: &'a mut Api,
    pub rng: Rng,
    pub today: NaiveDate,
    pub villages: Vec<String>,
    pub officers: Vec<(String, Role)>,
    /// (person id, name, household id, birth date, village id)
    pub persons: Vec<DemoPerson>,
    pub summary: DemoSummary,
}

/// A generated person, for the generators that link to residents.
#[derive(Debug, Clone)]
pub(crate) struct DemoPerson {
    pub id: String,
    pub name: String,
    pub household_id: String,
    pub village_id: String,
    pub birth: NaiveDate,
    pub sex: Sex,
    pub phone: Option<String>,
}

impl Demo<'_> {
    /// A random name of the given sex: 2 or 3 characters.
    pub fn name(&mut self, sex: Sex) -> String {
        let surname = *self.rng.pick(SURNAMES);
        let given = *self.rng.pick(if sex == Sex::Male { MALE } else { FEMALE });
        format!("{surname}{given}")
    }

    /// A mobile number.
    pub fn phone(&mut self) -> String {
        let prefix = *self.rng.pick(&["138", "139", "137", "135", "150", "151", "158", "187", "188", "136"]);
        format!("{prefix}{:08}", self.rng.below(100_000_000))
    }

    /// A date `lo..=hi` days before today.
    pub fn days_ago(&mut self, lo: i64, hi: i64) -> NaiveDate {
        self.today - Duration::days(self.rng.range(lo, hi))
    }

    /// An officer id of one of the given roles.
    pub fn officer(&mut self, roles: &[Role]) -> String {
        let fit: Vec<&(String, Role)> = self.officers.iter().filter(|(_, r)| roles.contains(r)).collect();
        fit[self.rng.below(fit.len())].0.clone()
    }

    /// A random resident.
    pub fn resident(&mut self) -> DemoPerson {
        let i = self.rng.below(self.persons.len());
        self.persons[i].clone()
    }
}

/// Fills the database with a post's demo data.
pub fn generate(api: &mut Api, opts: DemoOptions) -> Result<DemoSummary> {
    generate_post(api, opts, 0)
}

/// Like [`generate`], for a fresh post only: a database that already holds households is
/// refused, so demo people never mix with real ones.
pub fn generate_fresh(api: &mut Api, opts: DemoOptions) -> Result<DemoSummary> {
    let existing =
        household::list(api.store().conn(), &household::HouseholdFilter { page_size: Some(1), ..Default::default() })?
            .total;
    if existing > 0 {
        return Err(crate::error::Error::rule(format!("数据库中已有 {existing} 户数据，演示数据只能导入空数据库")));
    }
    generate(api, opts)
}

/// Like [`generate`], as the `number`-th post of a demo county: its own villages (codes in
/// township `101 + number`, so no two posts share one) and its own name. Post 0 is the
/// post [`generate`] makes. For HQ's tests and benchmarks of many posts.
pub fn generate_post(api: &mut Api, opts: DemoOptions, number: u32) -> Result<DemoSummary> {
    let today = api.store().clock().today();
    api.store_mut().set_id_gen(IdGen::Seeded(opts.seed));
    let mut demo = Demo {
        api,
        rng: Rng::new(opts.seed),
        today,
        villages: vec![],
        officers: vec![],
        persons: vec![],
        summary: DemoSummary::default(),
    };
    let result = fill(&mut demo, opts, number);
    demo.api.store_mut().set_id_gen(IdGen::Random);
    result?;
    Ok(demo.summary)
}

/// The village codes of the `number`-th demo post (see [`generate_post`]).
pub fn village_codes(number: u32) -> Vec<String> {
    VILLAGES.iter().map(|(_, code)| numbered_code(code, number)).collect()
}

fn numbered_code(code: &str, number: u32) -> String {
    if number == 0 { code.to_owned() } else { format!("330326{:03}{}", 101 + number, &code[9..]) }
}

fn fill(d: &mut Demo<'_>, opts: DemoOptions, number: u32) -> Result<()> {
    places(d, number)?;
    households(d, opts.households)?;
    dispute::generate(d)?;
    errand::generate(d)?;
    incident::generate(d)?;
    warning::generate(d)?;
    prevention::generate(d)?;
    care::generate(d)?;
    service_station::generate(d)?;
    counsel::generate(d)?;
    award::generate(d)?;
    attachment::generate(d)?;
    Ok(())
}

fn places(d: &mut Demo<'_>, number: u32) -> Result<()> {
    let groups_per_village = 6;
    let (name, code) = if number == 0 {
        ("青山中心警务室".to_owned(), "330326-QS01".to_owned())
    } else {
        (format!("第{number}警务室"), format!("330326-P{number:03}"))
    };
    let (villages, officers) = d.api.store_mut().write(|tx| {
        place::save_post(
            tx,
            PostInput {
                name,
                code: Some(code),
                doc_prefix: Some("青山".into()),
                station_name: Some("平安县公安局青山派出所".into()),
                committee_name: Some("青山镇人民调解委员会".into()),
                township: Some("青山镇".into()),
                address: Some("青山镇青山村中心街18号".into()),
                phone: Some("0577-63012110".into()),
            },
        )?;
        let mut villages = vec![];
        for (name, code) in VILLAGES {
            let v = place::create_village(
                tx,
                VillageInput {
                    name: (*name).into(),
                    code: Some(numbered_code(code, number)),
                    township: Some("青山镇".into()),
                },
            )?;
            for g in 1..=groups_per_village {
                place::create_group(tx, &v.id, &format!("{g}组"))?;
            }
            villages.push(v.id);
        }
        let mut officers = vec![];
        for (name, role, badge) in OFFICERS {
            let o = place::create_officer(
                tx,
                OfficerInput {
                    name: (*name).into(),
                    role: *role,
                    badge_no: Some((*badge).into()).filter(|b: &String| !b.is_empty()),
                    phone: None,
                    active: Some(true),
                },
            )?;
            officers.push((o.id, *role));
        }
        Ok((villages, officers))
    })?;
    d.summary.villages = villages.len();
    d.summary.officers = officers.len();
    d.villages = villages;
    d.officers = officers;
    Ok(())
}

struct Member {
    relation: Relation,
    sex: Sex,
    birth: NaiveDate,
    residence: Residence,
    tags: Vec<String>,
}

fn family(d: &mut Demo<'_>) -> Vec<Member> {
    let today = d.today;
    let age = |d: &mut Demo<'_>, lo: i64, hi: i64| today - Duration::days(d.rng.range(lo * 365, hi * 365));
    let mut out = vec![];
    let head_sex = if d.rng.chance(82) { Sex::Male } else { Sex::Female };
    let head_birth = age(d, 28, 88);
    let head_age = (today - head_birth).num_days() / 365;
    let alone = head_age >= 70 && d.rng.chance(35);
    out.push(Member {
        relation: Relation::Head,
        sex: head_sex,
        birth: head_birth,
        residence: Residence::Permanent,
        tags: if alone { vec!["elderly_alone".into()] } else { vec![] },
    });
    if alone {
        return out;
    }
    if d.rng.chance(85) {
        let spouse_birth = head_birth + Duration::days(d.rng.range(-3 * 365, 5 * 365));
        out.push(Member {
            relation: Relation::Spouse,
            sex: if head_sex == Sex::Male { Sex::Female } else { Sex::Male },
            birth: spouse_birth.min(today - Duration::days(20 * 365)),
            residence: Residence::Permanent,
            tags: vec![],
        });
    }
    let children = if head_age < 35 { d.rng.range(0, 2) } else { d.rng.range(1, 3) };
    let parents_away = head_age < 55 && d.rng.chance(30);
    for _ in 0..children {
        let child_age_max = (head_age - 20).clamp(1, 45);
        let birth = age(d, 0, child_age_max);
        let child_age = (today - birth).num_days() / 365;
        let sex = if d.rng.chance(52) { Sex::Male } else { Sex::Female };
        let mut tags = vec![];
        let residence = if child_age >= 18 && d.rng.chance(40) { Residence::Away } else { Residence::Permanent };
        if parents_away && child_age < 16 {
            tags.push("left_behind_child".into());
        }
        out.push(Member { relation: Relation::Child, sex, birth, residence, tags });
    }
    if parents_away {
        out[0].residence = Residence::Away;
        if out.len() > 1 && out[1].relation == Relation::Spouse {
            out[1].residence = Residence::Away;
        }
        if head_age < 50 && d.rng.chance(60) {
            let birth = head_birth - Duration::days(d.rng.range(22 * 365, 30 * 365));
            out.push(Member {
                relation: Relation::Parent,
                sex: Sex::Female,
                birth,
                residence: Residence::Permanent,
                tags: vec!["left_behind_elderly".into()],
            });
        }
    }
    if d.rng.chance(4) {
        for m in &mut out {
            m.tags.push(if m.relation == Relation::Head { "subsistence_allowance" } else { "hardship" }.into());
        }
    }
    if d.rng.chance(3) {
        let i = d.rng.below(out.len());
        out[i].tags.push("disabled".into());
    }
    out
}

const BATCH: usize = 500;

fn households(d: &mut Demo<'_>, n: usize) -> Result<()> {
    let mut ids = std::collections::HashSet::new();
    let mut seq: u32 = 0;
    let mut done = 0;
    while done < n {
        let batch = BATCH.min(n - done);
        // Decide everything first (the generator is not borrowed inside the transaction).
        let mut plans = Vec::with_capacity(batch);
        for k in 0..batch {
            let vi = d.rng.below(d.villages.len());
            let village_id = d.villages[vi].clone();
            let group_no = d.rng.range(1, 6);
            let house_no = (done + k) / d.villages.len() + 1;
            let members = family(d);
            let surname = *d.rng.pick(SURNAMES);
            let mut people = vec![];
            for m in members {
                let given = *d.rng.pick(if m.sex == Sex::Male { MALE } else { FEMALE });
                let name = if m.relation == Relation::Spouse || d.rng.chance(8) {
                    let s = *d.rng.pick(SURNAMES);
                    format!("{s}{given}")
                } else {
                    format!("{surname}{given}")
                };
                let has_id = m.relation != Relation::Head || !d.rng.chance(2);
                let id_number = has_id.then(|| {
                    loop {
                        seq = seq.wrapping_add(1);
                        let region = *d.rng.pick(REGIONS);
                        let id = compose(region, m.birth, (d.rng.below(1000)) as u16, m.sex);
                        if ids.insert(id.clone()) {
                            break id;
                        }
                    }
                });
                let age = (d.today - m.birth).num_days() / 365;
                let phone = (age >= 16 && d.rng.chance(75)).then(|| d.phone());
                let ethnicity = (*d.rng.pick(ETHNIC)).to_owned();
                people.push((m, name, id_number, phone, ethnicity));
            }
            let visit = d.rng.chance(30).then(|| {
                let (notes, needs) = *d.rng.pick(VISIT_NOTES);
                (d.days_ago(1, 700), notes, needs)
            });
            plans.push((village_id, group_no, house_no, people, visit));
        }
        let officer = d.officer(&[Role::Officer]);
        let made = d.api.store_mut().write(|tx| {
            let mut made = vec![];
            let mut visits = 0;
            for (village_id, group_no, house_no, people, visit) in plans {
                let group_id: String = tx.conn().query_row(
                    "SELECT id FROM village_group WHERE village_id = ?1 AND name = ?2",
                    [&village_id, &format!("{group_no}组")],
                    |r| r.get(0),
                )?;
                let hid = household::create(
                    tx,
                    HouseholdInput {
                        village_id: village_id.clone(),
                        group_id: Some(group_id),
                        house_no: Some(house_no.to_string()),
                        ..Default::default()
                    },
                )?;
                for (m, name, id_number, phone, ethnicity) in people {
                    let pid = person::create(
                        tx,
                        PersonInput {
                            household_id: Some(hid.clone()),
                            relation: Some(m.relation),
                            name: name.clone(),
                            sex: Some(m.sex),
                            ethnicity: Some(ethnicity),
                            birth_date: Some(m.birth.format("%Y-%m-%d").to_string()),
                            id_number,
                            phone: phone.clone(),
                            residence: Some(m.residence),
                            tags: m.tags,
                            ..Default::default()
                        },
                    )?;
                    made.push(DemoPerson {
                        id: pid,
                        name,
                        household_id: hid.clone(),
                        village_id: village_id.clone(),
                        birth: m.birth,
                        sex: m.sex,
                        phone,
                    });
                }
                if let Some((on, notes, needs)) = visit {
                    household::create_visit(
                        tx,
                        VisitInput {
                            household_id: hid.clone(),
                            person_id: None,
                            officer_id: Some(officer.clone()),
                            visited_on: Some(on.format("%Y-%m-%d").to_string()),
                            notes: Some(notes.into()),
                            needs: Some(needs.into()).filter(|s: &String| !s.is_empty()),
                        },
                    )?;
                    visits += 1;
                }
            }
            Ok((made, visits))
        })?;
        d.summary.persons += made.0.len();
        d.summary.visits += made.1;
        d.persons.extend(made.0);
        done += batch;
    }
    d.summary.households = n;
    Ok(())
}
