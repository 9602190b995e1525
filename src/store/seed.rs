//! Reference data every node starts with: the working-day calendar, the default errand
//! catalogue ("6 大类 23 项") and the county's warning rules (the defaults, `{}`).
//!
//! Seed rows have ids derived from their content (UUIDv5) and carry the genesis clock, so
//! every node seeds the very same rows and any real edit, on any node, wins over a seed.
//! Seeding is versioned in `local_meta`; a later seed version adds rows, never rewrites.

use rusqlite::OptionalExtension;
use uuid::Uuid;

use crate::error::Result;
use crate::model::Hlc;
use crate::model::calendar::SEED_2025_2026;
use crate::store::write::{s, v};
use crate::store::{Store, get_meta, set_meta};

const SEED_VERSION: i64 = 2;
pub(crate) const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_2c2e_9a43_4c1e_8f0e_5d6a_7b8c_9d0e);

/// The tables of reference data: every node seeds them alike and receives every row of
/// them by sync.
pub const REFERENCE: &[&str] = &["holiday", "service_item", "warning_rules"];

/// The default service catalogue: (category, item, usual days, materials).
pub const CATALOGUE: &[(&str, &str, i64, &str)] = &[
    ("居民身份证", "首次申领居民身份证", 20, "户口簿、近期照片"),
    ("居民身份证", "居民身份证到期换领", 20, "原身份证、户口簿"),
    ("居民身份证", "居民身份证遗失补领", 20, "户口簿"),
    ("居民身份证", "临时居民身份证", 3, "户口簿、照片"),
    ("户籍办理", "户口簿补领、换领", 7, "户主身份证"),
    ("户籍办理", "出生登记", 3, "出生医学证明、父母身份证和户口簿、结婚证"),
    ("户籍办理", "死亡注销户口", 3, "死亡医学证明或火化证明、户口簿"),
    ("户籍办理", "户口迁移（迁入、迁出）", 15, "户口簿、身份证、迁移相关证明"),
    ("户籍办理", "户籍信息变更、更正", 15, "户口簿、身份证、变更依据材料"),
    ("户籍办理", "分户、立户", 15, "户口簿、房产或宅基地证明"),
    ("居住登记", "流动人口居住登记", 1, "身份证、住所证明"),
    ("居住登记", "居住证申领", 15, "身份证、居住登记凭证、照片"),
    ("居住登记", "居住证签注", 3, "居住证"),
    ("证明开具", "户籍证明", 1, "身份证或户口簿"),
    ("证明开具", "无犯罪记录证明", 3, "身份证"),
    ("证明开具", "注销户口证明", 1, "申请人身份证、关系证明"),
    ("出入境与交管", "出入境证件办理预约", 10, "身份证、照片"),
    ("出入境与交管", "机动车驾驶证换证、补证", 10, "身份证、驾驶证、体检证明"),
    ("出入境与交管", "电动自行车登记上牌", 3, "身份证、购车发票、合格证"),
    ("民生协办", "养老金领取资格认证协助", 3, "身份证、社保卡"),
    ("民生协办", "低保、遗属补助材料协办", 15, "身份证、户口簿、相关证明"),
    ("民生协办", "医保、社保参保登记协办", 7, "身份证、户口簿"),
    ("民生协办", "法律援助申请转递", 7, "身份证、经济困难证明、案件材料"),
];

/// Seeds what this file has not yet got.
pub fn ensure(store: &mut Store) -> Result<()> {
    let done: i64 = get_meta(store.conn(), "seed_version")?.and_then(|s| s.parse().ok()).unwrap_or(0);
    if done >= SEED_VERSION {
        return Ok(());
    }
    store.write(|tx| {
        for (day, off, name) in SEED_2025_2026 {
            let id = Uuid::new_v5(&NAMESPACE, format!("holiday/{day}").as_bytes()).to_string();
            let exists: Option<i64> =
                tx.conn().query_row("SELECT 1 FROM holiday WHERE id = ?1", [&id], |r| r.get(0)).optional()?;
            if exists.is_none() {
                tx.insert_stamped(
                    "holiday",
                    &id,
                    &[("day", s(day)), ("is_holiday", v(*off)), ("name", s(name))],
                    Hlc::GENESIS,
                )?;
            }
        }
        for (sort, (category, name, days, materials)) in CATALOGUE.iter().enumerate() {
            let id = Uuid::new_v5(&NAMESPACE, format!("service_item/{category}/{name}").as_bytes()).to_string();
            let exists: Option<i64> =
                tx.conn().query_row("SELECT 1 FROM service_item WHERE id = ?1", [&id], |r| r.get(0)).optional()?;
            if exists.is_none() {
                tx.insert_stamped(
                    "service_item",
                    &id,
                    &[
                        ("category", s(category)),
                        ("name", s(name)),
                        ("time_limit_days", v(*days)),
                        ("materials", s(materials)),
                        ("sort", v(sort as i64 + 1)),
                        ("active", v(true)),
                    ],
                    Hlc::GENESIS,
                )?;
            }
        }
        let rules = crate::store::warning::rules_id();
        let exists: Option<i64> =
            tx.conn().query_row("SELECT 1 FROM warning_rules WHERE id = ?1", [&rules], |r| r.get(0)).optional()?;
        if exists.is_none() {
            tx.insert_stamped("warning_rules", &rules, &[("settings", s("{}"))], Hlc::GENESIS)?;
        }
        set_meta(tx.conn(), "seed_version", &SEED_VERSION.to_string())?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_six_categories_of_twenty_three_items() {
        let cats: std::collections::BTreeSet<_> = CATALOGUE.iter().map(|c| c.0).collect();
        assert_eq!((cats.len(), CATALOGUE.len()), (6, 23));
    }
}
