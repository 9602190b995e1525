//! The post itself, its villages and groups, its officers, and the working-day calendar.

use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Role;
use crate::model::calendar::{DayKind, WorkCalendar};
use crate::model::dispute::preside_refusal;
use crate::model::people::{OfficerInput, PostInput, VillageInput};
use crate::store::Tx;
use crate::store::from_row;
use crate::store::write::{s, v};

/// The post's settings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Post {
    /// Row id.
    pub id: String,
    /// The settings.
    #[serde(flatten)]
    pub fields: PostInput,
}

/// Reads the post (there is one per database once set up).
pub fn get_post(conn: &Connection) -> Result<Option<Post>> {
    Ok(conn
        .query_row(
            "SELECT id, name, code, doc_prefix, station_name, committee_name, township, address, phone
             FROM post WHERE deleted_at IS NULL ORDER BY id LIMIT 1",
            [],
            |r| {
                Ok(from_row!(r => Post {
                    id,
                    fields: from_row!(r => PostInput {
                        name, code, doc_prefix, station_name, committee_name, township, address, phone,
                    }),
                }))
            },
        )
        .optional()?)
}

/// Creates or updates the post.
pub fn save_post(tx: &mut Tx<'_>, input: PostInput) -> Result<Post> {
    let input = input.validate()?;
    let cols = [
        ("name", v(input.name.clone())),
        ("code", v(input.code.clone())),
        ("doc_prefix", v(input.doc_prefix.clone())),
        ("station_name", v(input.station_name.clone())),
        ("committee_name", v(input.committee_name.clone())),
        ("township", v(input.township.clone())),
        ("address", v(input.address.clone())),
        ("phone", v(input.phone.clone())),
    ];
    let id = match get_post(tx.conn())? {
        Some(p) => {
            tx.update("post", &p.id, &cols)?;
            p.id
        }
        None => {
            let id = tx.new_id();
            tx.insert("post", &id, &cols)?;
            id
        }
    };
    Ok(Post { id, fields: input })
}

/// A village group (村民小组).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Group {
    /// Row id.
    pub id: String,
    /// e.g. 3组.
    pub name: String,
}

/// A village with its groups.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Village {
    /// Row id.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 区划代码.
    pub code: Option<String>,
    /// 乡镇.
    pub township: Option<String>,
    /// 村民小组.
    pub groups: Vec<Group>,
}

/// Every village, by name, with its groups.
pub fn list_villages(conn: &Connection) -> Result<Vec<Village>> {
    read_villages(conn, None)
}

/// The live villages (only `only`, when given) with their groups.
fn read_villages(conn: &Connection, only: Option<&str>) -> Result<Vec<Village>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, code, township FROM village
         WHERE deleted_at IS NULL AND (?1 IS NULL OR id = ?1) ORDER BY name, id",
    )?;
    let mut villages = stmt
        .query_map([only], |r| {
            Ok(from_row!(r => Village {
                id, name, code, township,
                groups: vec![],
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut gs = conn.prepare_cached(
        "SELECT id, name FROM village_group WHERE village_id = ?1 AND deleted_at IS NULL
         ORDER BY length(name), name",
    )?;
    for v in &mut villages {
        v.groups =
            gs.query_map([&v.id], |r| Ok(from_row!(r => Group { id, name })))?.collect::<rusqlite::Result<Vec<_>>>()?;
    }
    Ok(villages)
}

/// A village's name, or `NotFound` naming the field.
pub fn village_name(conn: &Connection, field: &str, id: &str) -> Result<String> {
    conn.prepare_cached("SELECT name FROM village WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| r.get("name"))
        .optional()?
        .ok_or_else(|| Error::validation(field, format!("所选村（社区）不存在或已删除（{id}）")))
}

/// Refuses `name` when another live village (other than `except`) has it.
fn village_name_free(conn: &Connection, name: &str, except: Option<&str>) -> Result<()> {
    let dup: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM village WHERE name = ?1 AND (?2 IS NULL OR id <> ?2) AND deleted_at IS NULL LIMIT 1",
        )?
        .query_row(rusqlite::params![name, except], |r| r.get("id"))
        .optional()?;
    match dup {
        Some(existing_id) => Err(Error::Duplicate {
            field: "name".into(),
            message: format!("已有名为“{name}”的村（社区）"),
            existing_id,
        }),
        None => Ok(()),
    }
}

/// Refuses `code` when another live village (other than `except`) has it: a village known by
/// its code is one row, and every per-village figure at the county counts it once.
fn village_code_free(conn: &Connection, code: Option<&str>, except: Option<&str>) -> Result<()> {
    let Some(code) = code else { return Ok(()) };
    let dup: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT id, name FROM village WHERE code = ?1 AND (?2 IS NULL OR id <> ?2) AND deleted_at IS NULL LIMIT 1",
        )?
        .query_row(rusqlite::params![code, except], |r| Ok((r.get("id")?, r.get("name")?)))
        .optional()?;
    match dup {
        Some((existing_id, name)) => Err(Error::Duplicate {
            field: "code".into(),
            message: format!("区划代码 {code} 已是“{name}”的代码，同一个村（社区）只登记一次"),
            existing_id,
        }),
        None => Ok(()),
    }
}

/// Refuses `name` when another live group of the village (other than `except`) has it.
fn group_name_free(conn: &Connection, village_id: &str, name: &str, except: Option<&str>) -> Result<()> {
    let dup: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM village_group
             WHERE village_id = ?1 AND name = ?2 AND (?3 IS NULL OR id <> ?3) AND deleted_at IS NULL LIMIT 1",
        )?
        .query_row(rusqlite::params![village_id, name, except], |r| r.get("id"))
        .optional()?;
    match dup {
        Some(existing_id) => {
            Err(Error::Duplicate { field: "name".into(), message: format!("该村已有“{name}”"), existing_id })
        }
        None => Ok(()),
    }
}

/// Refuses a village code outside the villages HQ enrolled this post for, once it is
/// enrolled (HQ's peer row holds them, from the enrollment reply): such a code is another
/// post's, and HQ would not take the village.
fn code_enrolled(conn: &Connection, code: Option<&str>) -> Result<()> {
    let Some(code) = code else { return Ok(()) };
    let enrolled: Option<String> = conn
        .prepare_cached("SELECT villages FROM peer WHERE role = 'hq' LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let Some(enrolled) = enrolled else { return Ok(()) };
    let codes = crate::store::json_list(Some(enrolled));
    if codes.iter().any(|c| c == code) {
        return Ok(());
    }
    Err(Error::validation(
        "code",
        format!(
            "区划代码 {code} 不在县局登记给本警务室的辖区（{}）内；辖区如有变动，请联系县局重新登记",
            codes.join("、")
        ),
    ))
}

/// Adds a village; a second village of the same name is refused, and so is a code outside
/// the post's enrolled villages.
pub fn create_village(tx: &mut Tx<'_>, input: VillageInput) -> Result<Village> {
    let input = input.validate()?;
    code_enrolled(tx.conn(), input.code.as_deref())?;
    village_code_free(tx.conn(), input.code.as_deref(), None)?;
    village_name_free(tx.conn(), &input.name, None)?;
    let cols =
        [("name", v(input.name.clone())), ("code", v(input.code.clone())), ("township", v(input.township.clone()))];
    // A village with a code has the id derived from it on every node, so that two posts
    // entering it make one row; one deleted here is entered again in its own row.
    let id = match input.code.as_deref() {
        Some(code) => crate::store::village_code::village_id(code),
        None => tx.new_id(),
    };
    let held: Option<i64> =
        tx.conn().prepare_cached("SELECT 1 FROM village WHERE id = ?1")?.query_row([&id], |r| r.get(0)).optional()?;
    if held.is_some() {
        let mut revived = cols.to_vec();
        revived.push(("deleted_at", rusqlite::types::Value::Null));
        tx.update("village", &id, &revived)?;
    } else {
        tx.insert("village", &id, &cols)?;
    }
    Ok(Village { id, name: input.name, code: input.code, township: input.township, groups: vec![] })
}

/// One village with its groups, or a validation error on `field`.
pub fn get_village(conn: &Connection, field: &str, id: &str) -> Result<Village> {
    read_villages(conn, Some(id))?
        .pop()
        .ok_or_else(|| Error::validation(field, format!("所选村（社区）不存在或已删除（{id}）")))
}

/// Changes a village: its name (a typo, or 撤村建居), its township, and its code while it
/// has none. A code once set is how HQ sends the village's data to its post, so it is not
/// changed here. Household addresses made from the old name take the new one.
pub fn update_village(tx: &mut Tx<'_>, id: &str, input: VillageInput) -> Result<()> {
    let before = get_village(tx.conn(), "id", id)?;
    let input = input.validate()?;
    if before.code.is_some() && input.code != before.code {
        return Err(Error::validation(
            "code",
            format!(
                "“{}”的区划代码 {} 已设定，县局据此把该村的数据分发给警务室，不能在这里修改；确有错误请联系县局",
                before.name,
                before.code.as_deref().unwrap_or_default()
            ),
        ));
    }
    if before.code.is_none() {
        code_enrolled(tx.conn(), input.code.as_deref())?;
        village_code_free(tx.conn(), input.code.as_deref(), Some(id))?;
    }
    village_name_free(tx.conn(), &input.name, Some(id))?;
    tx.update(
        "village",
        id,
        &[("name", v(input.name.clone())), ("code", v(input.code)), ("township", v(input.township))],
    )?;
    readdress(tx, id, None, &before.name, &input.name)
}

/// Renames a village's group; household addresses made from the old name take the new one.
pub fn rename_group(tx: &mut Tx<'_>, id: &str, name: &str) -> Result<Group> {
    let found: Option<(String, String)> = tx
        .conn()
        .query_row("SELECT village_id, name FROM village_group WHERE id = ?1 AND deleted_at IS NULL", [id], |r| {
            Ok((r.get("village_id")?, r.get("name")?))
        })
        .optional()?;
    let Some((village_id, old)) = found else {
        return Err(Error::validation("id", format!("所选村民小组不存在或已删除（{id}）")));
    };
    let name = crate::model::validate::required("name", "小组名称", name, 20)?;
    group_name_free(tx.conn(), &village_id, &name, Some(id))?;
    tx.update("village_group", id, &[("name", v(name.clone()))])?;
    let village = village_name(tx.conn(), "village_id", &village_id)?;
    readdress(tx, &village_id, Some(id), &format!("{village}{old}"), &format!("{village}{name}"))?;
    Ok(Group { id: id.to_owned(), name })
}

/// Rewrites the addresses of a village's households (of one group, if given) that begin
/// with `old` to begin with `new` instead: those the core made from the village and group
/// names. Addresses typed otherwise are left as they are.
fn readdress(tx: &mut Tx<'_>, village_id: &str, group_id: Option<&str>, old: &str, new: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let rows: Vec<(String, String)> = tx
        .conn()
        .prepare_cached(
            "SELECT id, address FROM household
             WHERE village_id = ?1 AND (?2 IS NULL OR group_id = ?2) AND deleted_at IS NULL
               AND substr(address, 1, length(?3)) = ?3",
        )?
        .query_map(rusqlite::params![village_id, group_id, old], |r| Ok((r.get("id")?, r.get("address")?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, address) in rows {
        let rest = &address[old.len()..];
        tx.update("household", &id, &[("address", v(format!("{new}{rest}")))])?;
    }
    Ok(())
}

/// The rows that hang from a village, by table, with what the officer calls them: a village
/// is deleted only when none is left (its groups go with it when no household uses them).
const VILLAGE_ROWS: &[(&str, &str)] = &[
    ("household", "户"),
    ("dispute", "纠纷"),
    ("incident", "警情"),
    ("five_nones", "五无创建记录"),
    ("feedback", "群众意见"),
    ("hazard", "隐患"),
    ("lead", "线索"),
    ("outreach", "宣传"),
    ("patrol", "巡逻"),
    ("team", "群防队伍"),
    ("volunteer", "队员"),
    ("service_station", "驿站"),
    ("award", "表彰奖励"),
    ("attachment", "照片或扫描件"),
];

/// Deletes a village set up by mistake, with its groups. One that anything hangs from is
/// refused, naming what, and so is one with a code (HQ and other posts may know it by it).
pub fn delete_village(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let Village { name, code, .. } = get_village(tx.conn(), "id", id)?;
    if let Some(code) = code {
        // Other posts sharing the village, and HQ, know it by its code.
        return Err(Error::rule(format!(
            "“{name}”已设定区划代码 {code}，县局和其他警务室可能也在使用，不能在这里删除；确有错误请联系县局"
        )));
    }
    for (table, label) in VILLAGE_ROWS {
        let n: i64 = tx.conn().query_row(
            &format!("SELECT count(*) FROM {table} WHERE village_id = ?1 AND deleted_at IS NULL"),
            [id],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Err(Error::rule(format!(
                "“{name}”下还有 {n} 条{label}，不能删除；确是重复录入的村，请先把这些记录改到正确的村"
            )));
        }
    }
    let groups: Vec<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM village_group WHERE village_id = ?1 AND deleted_at IS NULL")?
        .query_map([id], |r| r.get("id"))?
        .collect::<rusqlite::Result<_>>()?;
    for g in groups {
        tx.delete("village_group", &g)?;
    }
    tx.delete("village", id)
}

/// Deletes a group that no household belongs to.
pub fn delete_group(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let name: Option<String> = tx
        .conn()
        .query_row("SELECT name FROM village_group WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get("name"))
        .optional()?;
    let Some(name) = name else {
        return Err(Error::validation("id", format!("所选村民小组不存在或已删除（{id}）")));
    };
    let n: i64 = tx.conn().query_row(
        "SELECT count(*) FROM household WHERE group_id = ?1 AND deleted_at IS NULL",
        [id],
        |r| r.get(0),
    )?;
    if n > 0 {
        return Err(Error::rule(format!("“{name}”还有 {n} 户，不能删除；请先把这些户改到其他小组")));
    }
    tx.delete("village_group", id)
}

/// Adds a group to a village.
pub fn create_group(tx: &mut Tx<'_>, village_id: &str, name: &str) -> Result<Group> {
    village_name(tx.conn(), "village_id", village_id)?;
    let name = crate::model::validate::required("name", "小组名称", name, 20)?;
    group_name_free(tx.conn(), village_id, &name, None)?;
    // The id derived from the village and the name, as for a village with a code, so that
    // two posts adding 3组 to one village make one row; a random one when a group renamed
    // since holds it.
    let derived = crate::store::village_code::group_id(village_id, &name);
    let cols = [("village_id", s(village_id)), ("name", v(name.clone()))];
    let held: Option<bool> = tx
        .conn()
        .prepare_cached("SELECT deleted_at IS NULL FROM village_group WHERE id = ?1")?
        .query_row([&derived], |r| r.get(0))
        .optional()?;
    let id = match held {
        None => {
            tx.insert("village_group", &derived, &cols)?;
            derived
        }
        Some(false) => {
            let mut revived = cols.to_vec();
            revived.push(("deleted_at", rusqlite::types::Value::Null));
            tx.update("village_group", &derived, &revived)?;
            derived
        }
        Some(true) => {
            let id = tx.new_id();
            tx.insert("village_group", &id, &cols)?;
            id
        }
    };
    Ok(Group { id, name })
}

/// An officer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Officer {
    /// Row id.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 角色.
    pub role: Role,
    /// 警号.
    pub badge_no: Option<String>,
    /// 电话.
    pub phone: Option<String>,
    /// Still serving.
    pub active: bool,
    /// Why they may not preside over 治安调解 (the rule of [`preside_refusal`]), so a picker
    /// can say so before anything is saved; none when they may.
    pub preside_refusal: Option<&'static str>,
}

fn officer_row(r: &Row<'_>) -> rusqlite::Result<Officer> {
    let role: Role = r.get(2)?;
    Ok(Officer {
        id: r.get(0)?,
        name: r.get(1)?,
        role,
        badge_no: r.get(3)?,
        phone: r.get(4)?,
        active: r.get(5)?,
        preside_refusal: preside_refusal(role),
    })
}

/// Every officer, serving ones first.
pub fn list_officers(conn: &Connection) -> Result<Vec<Officer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, role, badge_no, phone, active FROM officer WHERE deleted_at IS NULL
         ORDER BY active DESC, role, name",
    )?;
    Ok(stmt.query_map([], officer_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The live village called `name` (the first made, when two are).
pub fn village_id_by_name(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM village WHERE name = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1")?
        .query_row([name], |r| r.get("id"))
        .optional()?)
}

/// The live group of `village_id` called `name` (the first made, when two are).
pub fn group_id_by_name(conn: &Connection, village_id: &str, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM village_group WHERE village_id = ?1 AND name = ?2 AND deleted_at IS NULL ORDER BY id LIMIT 1",
        )?
        .query_row([village_id, name], |r| r.get("id"))
        .optional()?)
}

/// The name of the post's only village, when it has exactly one.
pub fn only_village_name(conn: &Connection) -> Result<Option<String>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM village WHERE deleted_at IS NULL LIMIT 2")?
        .query_map([], |r| r.get("name"))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if names.len() == 1 { names.into_iter().next() } else { None })
}

/// The name an officer id was recorded under, deleted or not (for what they confirmed).
pub fn officer_name(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT name FROM officer WHERE id = ?1")?.query_row([id], |r| r.get("name")).optional()?)
}

/// One officer, or a validation error on `field`.
pub fn get_officer(conn: &Connection, field: &str, id: &str) -> Result<Officer> {
    conn.prepare_cached(
        "SELECT id, name, role, badge_no, phone, active FROM officer WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], officer_row)
    .optional()?
    .ok_or_else(|| Error::validation(field, format!("所选民警/辅警不存在或已删除（{id}）")))
}

/// Adds an officer.
pub fn create_officer(tx: &mut Tx<'_>, input: OfficerInput) -> Result<Officer> {
    let input = input.validate()?;
    let id = tx.new_id();
    let active = input.active.unwrap_or(true);
    tx.insert(
        "officer",
        &id,
        &[
            ("name", v(input.name.clone())),
            ("role", v(input.role)),
            ("badge_no", v(input.badge_no.clone())),
            ("phone", v(input.phone.clone())),
            ("active", v(active)),
        ],
    )?;
    Ok(Officer {
        id,
        name: input.name,
        role: input.role,
        badge_no: input.badge_no,
        phone: input.phone,
        active,
        preside_refusal: preside_refusal(input.role),
    })
}

/// Changes an officer: a phone or badge number corrected, or 离岗 (`active` false) when
/// they leave the post. Their name stays on what they handled.
pub fn update_officer(tx: &mut Tx<'_>, id: &str, input: OfficerInput) -> Result<()> {
    let before = get_officer(tx.conn(), "id", id)?;
    let input = input.validate()?;
    let leaving = before.active && input.active == Some(false);
    if input.role != before.role || leaving {
        // A login linked to the officer has the officer's role (see `user.create`), and one
        // who leaves the post must not keep a way into its data.
        let login: Option<String> = tx
            .conn()
            .prepare_cached("SELECT login FROM app_user WHERE officer_id = ?1 AND disabled_at IS NULL LIMIT 1")?
            .query_row([id], |r| r.get("login"))
            .optional()?;
        if let Some(login) = login {
            let name = &before.name;
            return Err(if input.role != before.role {
                Error::validation(
                    "role",
                    format!(
                        "“{name}”有登录账号“{login}”，账号的角色须与登记的相同：请先在“用户”中停用该账号，改角色后再新建账号"
                    ),
                )
            } else {
                Error::validation(
                    "active",
                    format!("“{name}”的登录账号“{login}”仍可使用：请先在“用户”中停用该账号，再设为离岗"),
                )
            });
        }
    }
    tx.update(
        "officer",
        id,
        &[
            ("name", v(input.name)),
            ("role", v(input.role)),
            ("badge_no", v(input.badge_no)),
            ("phone", v(input.phone)),
            ("active", v(input.active.unwrap_or(true))),
        ],
    )?;
    Ok(())
}

/// An officer as the input that would make them, for a partial update.
pub fn officer_input_of(conn: &Connection, id: &str) -> Result<OfficerInput> {
    let o = get_officer(conn, "id", id)?;
    Ok(OfficerInput { name: o.name, role: o.role, badge_no: o.badge_no, phone: o.phone, active: Some(o.active) })
}

/// The working-day calendar as stored.
pub fn work_calendar(conn: &Connection) -> Result<WorkCalendar> {
    let mut stmt = conn.prepare_cached("SELECT day, is_holiday FROM holiday WHERE deleted_at IS NULL")?;
    let days = stmt
        .query_map([], |r| Ok((r.get::<_, String>("day")?, r.get::<_, bool>("is_holiday")?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(WorkCalendar::new(days.into_iter().filter_map(|(d, off)| {
        let d = crate::model::time::parse_date(&d)?;
        Some((d, if off { DayKind::Holiday } else { DayKind::Workday }))
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SYNCED_TABLES;

    /// A new table with a village link must be added to [`VILLAGE_ROWS`], or deleting a
    /// village would leave its rows pointing at nothing.
    #[test]
    fn every_table_that_links_a_village_is_checked_before_deleting_one() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut conn).unwrap();
        for table in SYNCED_TABLES {
            let links: bool = conn
                .query_row("SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = 'village_id'", [table], |r| {
                    r.get(0)
                })
                .unwrap();
            if links && *table != "village_group" {
                assert!(VILLAGE_ROWS.iter().any(|(t, _)| t == table), "{table} links a village");
            }
        }
    }
}
