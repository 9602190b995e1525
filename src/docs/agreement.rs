//! The case documents as PDF: the 人民调解协议书 and the 治安调解协议书 printed from a
//! dispute's finalised agreement, the 调解登记表 (intake form) and the 回访记录
//! (follow-up record).
//!
//! Every field AGREEMENTS.md requires is printed: the number, the issuing committee or
//! organ (and the presiding officer), each party's particulars, the facts (or the case:
//! time, place, people, cause, course, circumstances, result), the terms, how, where and
//! by when they are carried out, the copies clause, signature lines with fingerprint
//! boxes, the seal block and the effective date; the people's kind carries the note on
//! judicial confirmation within 30 days. The core refuses to finalise an agreement that
//! lacks a field; this module prints only finalised ones, and refuses a character the
//! font cannot print, naming the field it is in.

use chrono::NaiveDate;

use crate::docs::font::{Fonts, fonts};
use crate::docs::pdf::{Block, Document, Signature, Table};
use crate::error::{Error, Result};
use crate::model::time::{beijing, parse_date};
use crate::model::validate::show_fen;
use crate::model::{AgreementKind, PartyKind, Track};
use crate::store::dispute::{Agreement, Dispute, FollowUp, Party};

/// A date as printed on a legal document: 2026年11月23日.
pub fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn zh_date_text(s: &str) -> String {
    parse_date(s.get(..10).unwrap_or(s)).map(zh_date).unwrap_or_else(|| s.to_owned())
}

/// An instant (RFC 3339) as Beijing time: 2026年11月20日 20时30分.
fn zh_instant(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&beijing()).format("%Y年%-m月%-d日%H时%M分").to_string(),
        Err(_) => zh_date_text(s),
    }
}

fn or_blank(s: &Option<String>) -> String {
    s.clone().filter(|s| !s.trim().is_empty()).unwrap_or_default()
}

/// One party's particulars as one line of text.
pub fn party_line(p: &Party) -> String {
    let mut parts: Vec<String> = vec![p.name.clone()];
    match p.kind {
        PartyKind::Organisation => {
            if let Some(a) = p.address.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("住所：{a}"));
            }
            if let Some(r) = p.legal_rep.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("法定代表人：{r}"));
            }
            if let Some(t) = p.phone.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("联系电话：{t}"));
            }
        }
        PartyKind::Person => {
            if let Some(s) = p.sex {
                parts.push(s.label().to_owned());
            }
            if let Some(e) = p.ethnicity.as_ref().filter(|s| !s.is_empty()) {
                parts.push(e.clone());
            }
            match (&p.birth_date, p.age) {
                (Some(b), Some(a)) => parts.push(format!("{}出生（{a}岁）", zh_date_text(b))),
                (Some(b), None) => parts.push(format!("{}出生", zh_date_text(b))),
                (None, Some(a)) => parts.push(format!("{a}岁")),
                (None, None) => {}
            }
            if let Some(n) = p.id_number.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("公民身份号码：{n}"));
            }
            if let Some(a) = p.address.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("住址：{a}"));
            }
            if let Some(t) = p.phone.as_ref().filter(|s| !s.is_empty()) {
                parts.push(format!("联系电话：{t}"));
            }
        }
    }
    let mut line = parts.join("，");
    if let Some(g) = p.guardian_name.as_ref().filter(|s| !s.is_empty()) {
        let rel = p.guardian_relation.as_deref().map(|r| format!("（{r}）")).unwrap_or_default();
        line.push_str(&format!("。监护人：{g}{rel}"));
    }
    if let Some(a) = p.agent_name.as_ref().filter(|s| !s.is_empty()) {
        let auth = p.agent_authority_ref.as_deref().map(|r| format!("，授权委托书：{r}")).unwrap_or_default();
        line.push_str(&format!("。委托代理人：{a}{auth}"));
    }
    line
}

/// Every text that will be printed, with the field it comes from, so a character the
/// font lacks is refused naming the field (`parties[1].address`) rather than the page.
fn check_fields(f: &Fonts, d: &Dispute, a: Option<&Agreement>) -> Result<()> {
    let mut fields: Vec<(String, &str, String)> = vec![
        ("title".into(), "纠纷名称", d.title.clone()),
        ("facts".into(), "纠纷主要事实", or_blank(&d.facts)),
        ("matters".into(), "争议事项", or_blank(&d.matters)),
        ("responsibility".into(), "各方责任", or_blank(&d.responsibility)),
        ("place".into(), "案发地点", or_blank(&d.place)),
        ("cause".into(), "起因", or_blank(&d.cause)),
        ("course".into(), "经过", or_blank(&d.course)),
        ("circumstances".into(), "情节", or_blank(&d.circumstances)),
        ("result".into(), "结果", or_blank(&d.result)),
    ];
    for (i, p) in d.parties.iter().enumerate() {
        fields.push((format!("parties[{i}].name"), "当事人姓名", p.name.clone()));
        fields.push((format!("parties[{i}]"), "当事人信息", party_line(p)));
    }
    for (i, m) in d.mediations.iter().enumerate() {
        fields.push((format!("mediations[{i}].attendees"), "其他在场人员", or_blank(&m.attendees)));
        fields.push((format!("mediations[{i}].record"), "调解记录", or_blank(&m.record)));
        fields.push((format!("mediations[{i}].mediators"), "调解员", m.mediators.join("、")));
    }
    if let Some(a) = a {
        fields.extend([
            ("agreement.issuer".into(), "调解组织", or_blank(&a.issuer)),
            ("agreement.terms".into(), "协议内容", or_blank(&a.terms)),
            ("agreement.performance_method".into(), "履行方式", or_blank(&a.performance_method)),
            ("agreement.performance_place".into(), "履行地点", or_blank(&a.performance_place)),
            ("agreement.mediators".into(), "调解员", a.mediators.join("、")),
            ("agreement.recorder".into(), "记录人", or_blank(&a.recorder)),
            ("agreement.presider".into(), "主持人", or_blank(&a.presider_name)),
        ]);
    }
    for (field, label, text) in &fields {
        f.check(field, label, text)?;
    }
    Ok(())
}

fn para(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into(), indent: true }
}

fn field(label: &str, value: impl Into<String>) -> Block {
    Block::Field { label: label.into(), value: value.into() }
}

/// The finalised, printable agreement of `d`, or the reason there is none.
fn printable(d: &Dispute) -> Result<&Agreement> {
    let a = d.agreement.as_ref().ok_or_else(|| Error::rule(format!("纠纷“{}”还没有调解协议", d.title)))?;
    if a.kind == AgreementKind::Oral {
        return Err(Error::rule("口头协议不制作协议书：协议内容已记录在调解记录中"));
    }
    if a.finalised_at.is_none() || a.number.is_none() {
        return Err(Error::rule(format!(
            "{}尚未生效（没有文书编号），不能打印正式协议书；请先完成必填项并使协议生效",
            a.kind.label()
        )));
    }
    Ok(a)
}

/// The agreement of dispute `d` as a document (人民调解协议书 or 治安调解协议书).
pub fn agreement_document(d: &Dispute) -> Result<Document> {
    let a = printable(d)?;
    check_fields(fonts()?, d, Some(a))?;
    let number = or_blank(&a.number);
    let issuer = or_blank(&a.issuer);
    let effective = a.effective_on.as_deref().map(zh_date_text).unwrap_or_default();
    let copies = a.copies.unwrap_or(d.parties.len() as i64 + 1);
    let deadline = a.performance_deadline.as_deref().map(zh_date_text).unwrap_or_default();
    let mut blocks = Vec::new();
    let security = a.kind == AgreementKind::Security;
    blocks.push(Block::Title(a.kind.label().into()));
    blocks.push(Block::Right(number.clone()));
    if security {
        blocks.push(field("调解机关", issuer.clone()));
        blocks.push(field("主持人", or_blank(&a.presider_name)));
    } else {
        blocks.push(field("调解组织", issuer.clone()));
    }
    blocks.push(Block::Heading("当事人".into()));
    for p in &d.parties {
        blocks.push(field(p.role_label, party_line(p)));
    }
    let present: Vec<String> =
        d.mediations.iter().filter_map(|m| m.attendees.clone()).filter(|s| !s.trim().is_empty()).collect();
    if security {
        if !present.is_empty() {
            blocks.push(field("其他在场人员", present.join("；")));
        }
        blocks.push(Block::Heading("案件基本情况".into()));
        blocks.push(field("违法行为", d.offence.map(|o| o.label().to_owned()).unwrap_or_default()));
        blocks.push(field("发生时间", d.occurred_at.as_deref().map(zh_instant).unwrap_or_default()));
        blocks.push(field("发生地点", or_blank(&d.place)));
        blocks.push(field("涉及人员", d.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、")));
        blocks.push(field("起因", or_blank(&d.cause)));
        blocks.push(field("经过", or_blank(&d.course)));
        blocks.push(field("情节", or_blank(&d.circumstances)));
        blocks.push(field("结果", or_blank(&d.result)));
        if d.facts.as_ref().is_some_and(|f| !f.trim().is_empty()) {
            blocks.push(field("其他事实", or_blank(&d.facts)));
        }
    } else {
        blocks.push(Block::Heading("纠纷主要事实、争议事项及各方责任".into()));
        blocks.push(field("主要事实", or_blank(&d.facts)));
        blocks.push(field("争议事项", or_blank(&d.matters)));
        blocks.push(field("各方责任", or_blank(&d.responsibility)));
        if d.amount_involved > 0 {
            blocks.push(field("涉及金额", format!("人民币{}元", show_fen(d.amount_involved))));
        }
    }
    blocks.push(Block::Heading(if security {
        "经调解，双方自愿达成如下协议".into()
    } else {
        "经调解，当事人自愿达成如下协议（当事人的权利义务）".into()
    }));
    blocks.push(para(or_blank(&a.terms)));
    blocks.push(Block::Heading("履行方式、地点、期限".into()));
    blocks.push(field("履行方式", or_blank(&a.performance_method)));
    blocks.push(field("履行地点", or_blank(&a.performance_place)));
    blocks.push(field("履行期限", deadline.clone()));
    if security {
        blocks.push(para(format!(
            "本协议自双方当事人签名并经主持人签名、加盖公安机关印章之日起生效。双方当事人应当于{deadline}前按约定履行；调解协议履行完毕的，公安机关对违反治安管理行为人不再处罚；不履行调解协议的，公安机关依法对违反治安管理行为人予以处罚。"
        )));
    } else {
        blocks.push(para(
            "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。",
        ));
        blocks.push(para(
            "司法确认：当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认；人民法院依法确认调解协议有效，一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。",
        ));
    }
    let mut closing = vec![para(if security {
        format!("本协议书一式 {copies} 份，双方当事人各执一份，调解机关留存一份。")
    } else {
        format!("本协议书一式 {copies} 份，当事人各执一份，人民调解委员会留存一份。")
    })];
    closing.push(Block::Space(6.0));
    let mut sigs: Vec<Signature> = d
        .parties
        .iter()
        .map(|p| Signature {
            role: format!("当事人（{}）", p.role_label),
            name: p.name.clone(),
            how: if p.kind == PartyKind::Organisation {
                "盖章，法定代表人签名".into()
            } else {
                "签名、盖章或按指印".into()
            },
            fingerprint: p.kind == PartyKind::Person,
        })
        .collect();
    if security && !present.is_empty() {
        // Others present at the session sign too (双方当事人及其他在场人员).
        sigs.push(Signature {
            role: "其他在场人员".into(),
            name: present.join("；"),
            how: "签名".into(),
            fingerprint: false,
        });
    }
    if security {
        sigs.push(Signature {
            role: "主持人".into(),
            name: or_blank(&a.presider_name),
            how: "签名".into(),
            fingerprint: false,
        });
    } else {
        for m in &a.mediators {
            sigs.push(Signature {
                role: "人民调解员".into(), name: m.clone(), how: "签名".into(), fingerprint: false
            });
        }
    }
    sigs.push(Signature {
        role: "记录人".into(), name: or_blank(&a.recorder), how: "签名".into(), fingerprint: false
    });
    closing.push(Block::Signatures(sigs));
    closing.push(Block::Seal { issuer: issuer.clone(), date: effective.clone() });
    // The copies clause and the signatures stay on one page, so a signature page always
    // carries text of the agreement it belongs to.
    blocks.push(Block::KeepTogether(closing));
    Ok(Document { title: format!("{}{}", a.kind.label(), number), footer: Some(number), blocks })
}

/// The intake form (调解登记表) of dispute `d`.
pub fn intake_document(d: &Dispute) -> Result<Document> {
    check_fields(fonts()?, d, None)?;
    let mut blocks = vec![
        Block::Title("矛盾纠纷调解登记表".into()),
        // The name gets a wide cell of its own row, so it stays on one line (and reads back
        // whole, also with `pdftotext -layout`, where a wrapped cell interleaves with its
        // neighbours); the date's cell takes the longest date.
        Block::Table(Table {
            widths: vec![1.2, 3.4, 1.0, 1.6],
            continued: None,
            header: None,
            rows: vec![vec!["纠纷名称".into(), d.title.clone(), "登记日期".into(), zh_date_text(&d.received_on)]],
        }),
        Block::Table(Table {
            widths: vec![1.2, 2.0, 1.2, 2.0],
            continued: None,
            header: None,
            rows: vec![
                vec!["纠纷类型".into(), d.kind.label().into(), "纠纷等级".into(), d.grade.label().into()],
                vec!["来源".into(), d.source.label().into(), "调解类型".into(), d.track.label().into()],
                vec![
                    "所属村（社区）".into(),
                    or_blank(&d.village_name),
                    "涉及金额".into(),
                    if d.amount_involved > 0 { format!("{}元", show_fen(d.amount_involved)) } else { "无".into() },
                ],
                vec!["责任民警".into(), or_blank(&d.officer_name), "当前状态".into(), d.status_label.into()],
            ],
        }),
        Block::Heading("当事人".into()),
        Block::Table(Table {
            // 被申请人, 性别 and 年龄 each on one line; an ID number and a phone too.
            widths: vec![1.3, 1.1, 0.75, 0.75, 3.0, 2.4, 1.9],
            continued: None,
            header: Some(
                ["身份", "姓名", "性别", "年龄", "公民身份号码", "住址", "联系电话"].map(String::from).to_vec(),
            ),
            rows: d
                .parties
                .iter()
                .map(|p| {
                    vec![
                        p.role_label.to_owned(),
                        p.name.clone(),
                        p.sex.map(|s| s.label().to_owned()).unwrap_or_default(),
                        p.age.map(|a| a.to_string()).unwrap_or_default(),
                        or_blank(&p.id_number),
                        or_blank(&p.address),
                        or_blank(&p.phone),
                    ]
                })
                .collect(),
        }),
        Block::Heading("纠纷简要情况".into()),
        field("主要事实", or_blank(&d.facts)),
        field("争议事项", or_blank(&d.matters)),
    ];
    if d.track == Track::Security {
        blocks.push(field("违法行为", d.offence.map(|o| o.label().to_owned()).unwrap_or_default()));
        blocks.push(field("发生时间", d.occurred_at.as_deref().map(zh_instant).unwrap_or_default()));
        blocks.push(field("发生地点", or_blank(&d.place)));
    }
    blocks.push(Block::Heading("调解经过".into()));
    if d.mediations.is_empty() {
        blocks.push(para("尚未调解。"));
    } else {
        blocks.push(Block::Table(Table {
            // 2026年12月23日 on one line.
            widths: vec![2.0, 0.9, 2.0, 1.4, 3.5],
            continued: None,
            header: Some(["日期", "层级", "调解员", "结果", "调解记录"].map(String::from).to_vec()),
            rows: d
                .mediations
                .iter()
                .map(|m| {
                    // The lawyers beside the mediators, and how the round was held before its
                    // record (the widest column), so the table keeps its five columns.
                    let lawyers = m.lawyer_names.iter().map(|n| format!("{n}（律师）"));
                    let held = match &m.centre {
                        Some(c) => format!("{}（{c}）", m.mode_label),
                        None => m.mode_label.to_owned(),
                    };
                    vec![
                        zh_date_text(&m.held_on),
                        m.level_label.to_owned(),
                        m.mediators.iter().cloned().chain(lawyers).collect::<Vec<_>>().join("、"),
                        m.outcome_label.to_owned(),
                        format!("{held}。{}", or_blank(&m.record)),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Space(10.0));
    blocks.push(Block::Signatures(vec![
        Signature {
            role: "登记人".into(), name: or_blank(&d.officer_name), how: "签名".into(), fingerprint: false
        },
        Signature {
            role: "申请人".into(),
            name: d.parties.first().map(|p| p.name.clone()).unwrap_or_default(),
            how: "签名或按指印".into(),
            fingerprint: true,
        },
    ]));
    Ok(Document { title: format!("矛盾纠纷调解登记表 {}", d.title), footer: Some(d.title.clone()), blocks })
}

/// The follow-up record (回访记录) of follow-up `f` of dispute `d`.
pub fn follow_up_document(d: &Dispute, f: &FollowUp) -> Result<Document> {
    let fonts = fonts()?;
    check_fields(fonts, d, d.agreement.as_ref())?;
    for (field, label, text) in [
        ("satisfaction", "满意度", or_blank(&f.satisfaction)),
        ("new_risks", "新的风险", or_blank(&f.new_risks)),
        ("notes", "回访情况", or_blank(&f.notes)),
    ] {
        fonts.check(field, label, &text)?;
    }
    let held = match f.held {
        Some(true) => "已按协议履行",
        Some(false) => "未按协议履行",
        None => "（未记录）",
    };
    let number = f.agreement_number.clone().or_else(|| d.agreement.as_ref().and_then(|a| a.number.clone()));
    let blocks = vec![
        Block::Title("矛盾纠纷回访记录".into()),
        field("协议书编号", number.clone().unwrap_or_else(|| "（口头协议，无编号）".into())),
        field("纠纷名称", d.title.clone()),
        field("当事人", d.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、")),
        field(
            "履行期限",
            d.agreement.as_ref().and_then(|a| a.performance_deadline.as_deref()).map(zh_date_text).unwrap_or_default(),
        ),
        field("应回访日期", zh_date_text(&f.due_on)),
        field("回访日期", f.done_on.as_deref().map(zh_date_text).unwrap_or_else(|| "（尚未回访）".into())),
        field("回访人", or_blank(&f.officer_name)),
        field("协议履行情况", held),
        field("当事人满意度", or_blank(&f.satisfaction)),
        field("新的风险隐患", f.new_risks.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "未发现".into())),
        field("回访情况", or_blank(&f.notes)),
        Block::Space(12.0),
        Block::Signatures(vec![
            Signature {
                role: "回访人".into(),
                name: or_blank(&f.officer_name),
                how: "签名".into(),
                fingerprint: false,
            },
            Signature {
                role: "被回访人".into(),
                name: d.parties.first().map(|p| p.name.clone()).unwrap_or_default(),
                how: "签名或按指印".into(),
                fingerprint: true,
            },
        ]),
    ];
    Ok(Document { title: format!("回访记录 {}", d.title), footer: number, blocks })
}

/// Reads dispute `id` with everything its documents print.
pub fn dispute(conn: &rusqlite::Connection, id: &str, today: NaiveDate) -> Result<Dispute> {
    crate::store::dispute::get(conn, id, today)
}

/// The dispute a follow-up belongs to, and the follow-up.
pub fn follow_up(conn: &rusqlite::Connection, follow_up_id: &str, today: NaiveDate) -> Result<(Dispute, FollowUp)> {
    let dispute_id = crate::store::dispute::follow_up::dispute_of(conn, follow_up_id)?
        .ok_or_else(|| Error::not_found("回访", follow_up_id))?;
    let d = dispute(conn, &dispute_id, today)?;
    let f = d
        .follow_ups
        .iter()
        .find(|f| f.id == follow_up_id)
        .cloned()
        .ok_or_else(|| Error::not_found("回访", follow_up_id))?;
    Ok((d, f))
}
