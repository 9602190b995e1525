//! How the CLI prints the replies that are more than a line: an import's report, a month's
//! statistics, a method's parameters for `call --list`, a bundle import.

use std::io::Write;

use fengqiao::docs::roster::{Action, ImportReport as RosterReport};
use fengqiao::docs::stats::MonthStats;
use fengqiao::sync::ImportReport;
use serde_json::Value;

use super::print_json;

pub(crate) fn print_import(r: &RosterReport) {
    let what = if r.applied { "已导入" } else { "预览（未写入）" };
    out!("{what}：工作表“{}”，表头在第 {} 行；数据 {} 行，空行 {} 行", r.sheet, r.header_row, r.rows, r.blank_rows);
    out!(
        "新增户 {}，新增人员 {}，更新人员 {}，无变化 {}，有错误的行 {}",
        r.households_created,
        r.persons_created,
        r.persons_updated,
        r.persons_unchanged,
        r.errors.len()
    );
    if !r.villages_created.is_empty() {
        out!("将新增村（社区）：{}", r.villages_created.join("、"));
    }
    if !r.ignored_headers.is_empty() {
        out!("未识别的列（已忽略）：{}", r.ignored_headers.join("、"));
    }
    for e in &r.errors {
        let at = match (&e.column, &e.header) {
            (Some(c), Some(h)) => format!("{c} 列（{h}）"),
            (None, Some(h)) => h.clone(),
            _ => String::new(),
        };
        out!("第 {} 行 {at}：{}", e.row, e.message);
    }
    for a in r.actions.iter().filter(|a| a.action == Action::Update) {
        out!("第 {} 行 {}：{}", a.row, a.name, a.changes.join("；"));
    }
}

pub(crate) fn print_stats(s: &MonthStats) {
    let d = &s.disputes;
    out!("{} 月度统计", s.month);
    out!(
        "矛盾纠纷：受理 {}，调解 {}，成功 {}，不成 {}，成功率 {}，受理涉及金额 {} 元",
        d.received,
        d.mediated,
        d.settled,
        d.failed,
        fengqiao::docs::report::percent(d.success_rate),
        fengqiao::model::validate::show_fen(d.amount_received)
    );
    for k in &s.by_kind {
        let f = &k.figures;
        out!("  {}\t受理 {}\t调解 {}\t成功 {}", k.name, f.received, f.mediated, f.settled);
    }
    for v in &s.by_village {
        let f = &v.figures;
        out!("  {}\t受理 {}\t调解 {}\t成功 {}", v.name, f.received, f.mediated, f.settled);
    }
    let a = &s.agreements;
    out!("协议：人民调解 {}，治安调解 {}，口头 {}", a.people, a.security, a.oral);
    let f = &s.follow_ups;
    out!("回访：应回访 {}，已回访 {}，逾期 {}", f.due, f.done, f.overdue);
    let e = &s.errands;
    out!("代办：受理 {}，办结 {}，逾期 {}", e.accepted, e.done, e.overdue);
    out!("警情 {} 起；走访 {} 户次", s.incidents_total, s.visits);
    out!("{}", fengqiao::docs::report::prevention_text(&s.prevention));
    out!("{}", fengqiao::docs::report::counsel_text(&s.counsel));
    out!("{}", fengqiao::docs::report::award_text(&s.awards));
    let f = &s.attachments;
    out!("照片和扫描件：隐患照片 {} 张，警情现场照片 {} 张，调解协议书扫描件 {} 份", f.hazard, f.incident, f.agreement);
    print_stations(s);
}

/// The month's figures per service station (驿站), one line each.
fn print_stations(s: &MonthStats) {
    if s.service_stations.is_empty() {
        return;
    }
    out!("{}", fengqiao::docs::report::station_text(&s.service_stations));
    for f in &s.service_stations {
        out!(
            "  {}（{}）\t警务助理 {}\t收集诉求 {}\t办结代办 {}\t一次不用跑 {}",
            f.name,
            f.village_name,
            f.assistants,
            f.requests,
            f.done,
            f.no_trip
        );
    }
}

/// One line per parameter: name, type, whether required, description.
pub(crate) fn describe_params(schema: &Value) -> Vec<String> {
    let required: Vec<&str> =
        schema["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let mut props: Vec<(String, Value)> = Vec::new();
    collect_props(schema, schema, &mut props);
    props
        .into_iter()
        .map(|(name, p)| {
            let p = resolve(schema, &p);
            let ty = type_name(schema, &p);
            let req = if required.contains(&name.as_str()) { "必填" } else { "可选" };
            let desc = p["description"].as_str().unwrap_or("").replace('\n', " ");
            format!("{name}: {ty}（{req}）{desc}")
        })
        .collect()
}

fn collect_props(root: &Value, schema: &Value, out: &mut Vec<(String, Value)>) {
    if let Some(obj) = schema["properties"].as_object() {
        for (k, v) in obj {
            out.push((k.clone(), v.clone()));
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema[key].as_array() {
            for p in parts {
                collect_props(root, &resolve(root, p), out);
            }
        }
    }
}

fn resolve(root: &Value, v: &Value) -> Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => {
            let mut target = root["$defs"][name].clone();
            if let (Some(d), Value::Object(o)) = (v["description"].as_str(), &mut target) {
                o.insert("description".into(), Value::from(d));
            }
            target
        }
        None => v.clone(),
    }
}

fn type_name(root: &Value, p: &Value) -> String {
    if let Some(options) = p["enum"].as_array() {
        return options.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|");
    }
    if let Some(one) = p["oneOf"].as_array() {
        let names: Vec<String> = one.iter().filter_map(|o| o["const"].as_str().map(str::to_owned)).collect();
        if !names.is_empty() {
            return names.join("|");
        }
    }
    if let Some(any) = p["anyOf"].as_array() {
        let parts: Vec<String> =
            any.iter().filter(|a| a["type"] != "null").map(|a| type_name(root, &resolve(root, a))).collect();
        return parts.join("|");
    }
    match &p["type"] {
        Value::String(t) if t == "array" => format!("[{}]", type_name(root, &resolve(root, &p["items"]))),
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join("|"),
        _ => "any".into(),
    }
}

pub(crate) fn print_report(json: bool, r: &ImportReport) {
    if json {
        print_json(&serde_json::to_value(r).unwrap_or_default());
    } else {
        out!("{}", r.summary("本机", false));
        for row in &r.refusals {
            out!("县局未采用 {}（第 {} 号同步包）：{}", row.what(), row.counter, row.reason);
        }
    }
}

/// What enrolling (by reply file or over the network) made of this post.
pub(crate) fn print_enrolled(e: &Value) {
    let villages: Vec<&str> =
        e["villages"].as_array().map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    out!(
        "已登记到县局“{}”（{}），辖区：{}",
        e["hq_name"].as_str().unwrap_or_default(),
        e["hq_node_id"].as_str().unwrap_or_default(),
        villages.join("、")
    );
}
