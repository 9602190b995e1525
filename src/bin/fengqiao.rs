//! `fengqiao`: the post's ledger from the command line. Every subcommand calls one function
//! of the core's api and prints its reply; scripts and acceptance checks use `call`.

#![warn(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use fengqiao::Error;
use fengqiao::api::{Api, ConflictListRequest, ConflictRestoreRequest, NetworkSync, Written};
use fengqiao::demo::{self, DemoOptions};
use fengqiao::docs::ledger::LedgerKind;
use fengqiao::docs::roster::ImportReport as RosterReport;
use fengqiao::docs::stats::MonthStats;
use fengqiao::model::time::SystemClock;
use fengqiao::model::{FileType, Sex};
use fengqiao::store::Store;
use fengqiao::store::calendar::YearCalendar;
use fengqiao::store::lock::DbLock;
use fengqiao::sync::ImportReport;
use serde_json::{Value, json};

/// Prints a line to stdout; a closed pipe (`| head`) is not an error worth a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

#[path = "fengqiao/cli.rs"]
mod cli;
#[path = "fengqiao/print.rs"]
mod print;
#[path = "fengqiao/serve.rs"]
mod serve;

use cli::{AuditCommand, BundleAction, Cli, Command, ConflictAction, EnrollStep};
use print::{describe_params, print_enrolled, print_import, print_report, print_stats};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                out!("{}", serde_json::to_string(&e.to_reply()).unwrap_or_default());
            }
            let _ = writeln!(std::io::stderr(), "错误：{e}");
            ExitCode::FAILURE
        }
    }
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf, Error> {
    match db {
        Some(p) => Ok(p),
        None => Store::default_path(),
    }
}

/// Opens the database: as `--user` when given (encrypted), else in setup mode.
fn open(db: Option<PathBuf>, user: Option<&str>) -> Result<Api, Error> {
    let path = db_path(db)?;
    let _held = claim(&path)?;
    let clock = Api::clock_for(&path)?;
    match user {
        Some(login) => Api::open_as(&path, clock, login, &password("密码：")?),
        None => Api::open(&path, clock),
    }
}

/// Takes the database for this process before a password is asked for. While the desktop
/// app (or another command) has it open, the command is refused with the core's Chinese
/// message naming who has it, and nothing is read or written (see `fengqiao::store::lock`).
/// The store opened next joins this hold.
fn claim(path: &std::path::Path) -> Result<DbLock, Error> {
    DbLock::acquire(path)
}

/// The password: `FENGQIAO_PASSWORD`, else typed at the terminal without echo.
fn password(prompt: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var("FENGQIAO_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(prompt)
        .map_err(|e| Error::unauthenticated(format!("无法读取密码（{e}）；可用环境变量 FENGQIAO_PASSWORD 提供")))
}

/// A new password, typed twice when prompted.
fn new_password() -> Result<String, Error> {
    if let Ok(p) = std::env::var("FENGQIAO_PASSWORD") {
        return Ok(p);
    }
    let first = password("设置密码（至少 8 位，含字母和数字）：")?;
    let again = password("再次输入密码：")?;
    if first != again {
        return Err(Error::validation("password", "两次输入的密码不一致"));
    }
    Ok(first)
}

fn print_json(v: &Value) {
    out!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve { ui_dir, no_browser } => {
            serve::run(&db_path(cli.db)?, ui_dir, !no_browser, |line| out!("{line}"))?;
        }
        Command::Init { admin: Some(login) } => {
            let path = db_path(cli.db)?;
            let _held = claim(&path)?;
            let api = Api::create_admin(&path, Arc::new(SystemClock), &login, &new_password()?)?;
            if cli.json {
                print_json(&serde_json::json!({"db": api.store().path(), "admin": login, "encrypted": true}));
            } else {
                out!("已创建管理员“{login}”，数据库已加密：{}", api.store().path().display());
                out!("密钥文件：{}.keys（与数据库放在一起；备份时一并复制）", api.store().path().display());
            }
        }
        Command::Init { admin: None } => {
            let api = open(cli.db, cli.user.as_deref())?;
            let s = api.store();
            let version = fengqiao::store::migrate::version(s.conn())?;
            if cli.json {
                print_json(&serde_json::json!({
                    "db": s.path(), "schema_version": version, "node_id": s.node_id().to_string()
                }));
            } else {
                out!("数据库已就绪：{}", s.path().display());
                out!("结构版本：{version}；本机节点：{}", s.node_id());
            }
        }
        Command::Demo { households, seed } => {
            if households == 0 || households > 1_000_000 {
                return Err(Error::validation("households", "户数应在 1 至 1000000 之间"));
            }
            let mut api = open(cli.db, cli.user.as_deref())?;
            let started = Instant::now();
            let summary = api.guarded("demo.generate", |api| {
                let existing: i64 = api.store().conn().query_row("SELECT count(*) FROM household", [], |r| r.get(0))?;
                if existing > 0 {
                    return Err(Error::rule(format!(
                        "数据库中已有 {existing} 户数据，演示数据只能导入空数据库；请用 --db 指定一个新文件"
                    )));
                }
                demo::generate(api, DemoOptions { households, seed })
            })?;
            let secs = started.elapsed().as_secs_f64();
            if cli.json {
                let mut v = serde_json::to_value(&summary).unwrap_or_default();
                v["seconds"] = serde_json::json!(secs);
                print_json(&v);
            } else {
                out!(
                    "已导入演示数据（用时 {secs:.1} 秒）：{} 个村，{} 名民警辅警，{} 户 {} 人，走访 {} 次，纠纷 {} 件，代办 {} 件，警情 {} 起，巡逻 {} 次",
                    summary.villages,
                    summary.officers,
                    summary.households,
                    summary.persons,
                    summary.visits,
                    summary.disputes,
                    summary.errands,
                    summary.incidents,
                    summary.patrols
                );
            }
        }
        Command::Search { text, page, page_size } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            // Through `call`, so the search is allowed and audited like any other.
            let request = serde_json::json!({"text": text, "page": page, "page_size": page_size});
            let r = api.call("search", request)?;
            if cli.json {
                print_json(&r);
            } else {
                let more = if r["more"] == true { "以上" } else { "" };
                out!("共找到 {} 人{more}（第 {} 页）", r["total"], r["page"]);
                let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
                for h in r["hits"].as_array().into_iter().flatten() {
                    let sex = h["sex"].as_str().and_then(Sex::parse).map_or("-", |s| s.label());
                    out!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        text(&h["name"]),
                        sex,
                        text(&h["birth_date"]),
                        text(&h["id_number"]),
                        text(&h["phone"]),
                        text(&h["address"]),
                        text(&h["person_id"])
                    );
                }
            }
        }
        Command::Bench { queries, seed } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let report = api.guarded("bench.run", |api| fengqiao::bench::run(api, queries.max(1), seed))?;
            if cli.json {
                print_json(&serde_json::to_value(&report).unwrap_or_default());
            } else {
                out!("数据规模：{} 户，{} 人", report.households, report.persons);
                out!("{:<16}{:>10}{:>10}{:>12}{:>12}{:>9}", "查找", "p50 ms", "p95 ms", "LIKE p50", "LIKE p95", "倍数");
                for s in &report.search {
                    out!(
                        "{:<16}{:>10.3}{:>10.3}{:>12.2}{:>12.2}{:>9.0}",
                        s.query_kind,
                        s.indexed.p50_ms,
                        s.indexed.p95_ms,
                        s.like_scan.p50_ms,
                        s.like_scan.p95_ms,
                        s.speedup_p95
                    );
                }
                out!("{:<28}{:>10}{:>10}", "列表（一页）", "p50 ms", "p95 ms");
                for (name, l) in &report.lists {
                    out!("{:<28}{:>10.3}{:>10.3}", name, l.p50_ms, l.p95_ms);
                }
            }
        }
        Command::Call { list: true, .. } => {
            let methods = Api::methods();
            if cli.json {
                print_json(&serde_json::to_value(&methods).unwrap_or_default());
            } else {
                for m in methods {
                    out!("{}  {}", m.name, m.summary);
                    for line in describe_params(&m.params) {
                        out!("    {line}");
                    }
                }
            }
        }
        Command::Enroll { step: None, hq, code } => {
            let (Some(url), Some(code)) = (hq, code) else {
                return Err(Error::validation(
                    "hq",
                    "请用 --hq 地址 --code 登记码 通过网络登记，或用 enroll request / enroll accept 走文件",
                ));
            };
            let mut api = open(cli.db, cli.user.as_deref())?;
            let e = api.call("enroll.network", json!({"url": url, "code": code}))?;
            print_enrolled(&e);
        }
        Command::Enroll { step: Some(EnrollStep::Request { out, name }), .. } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let w = api.call("enroll.request", json!({"path": out, "name": name, "overwrite": cli.overwrite}))?;
            out!(
                "已生成登记申请：{}（本机节点 {}）；请交县局管理员办理登记",
                w["path"].as_str().unwrap_or_default(),
                w["node_id"].as_str().unwrap_or_default()
            );
        }
        Command::Enroll { step: Some(EnrollStep::Accept { reply }), .. } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let e = api.call("enroll.accept", json!({ "path": reply }))?;
            print_enrolled(&e);
        }
        Command::Bundle { action: BundleAction::Export { out } } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let sent = api.call("sync.export", json!({"path": out, "overwrite": cli.overwrite}))?;
            if cli.json {
                print_json(&sent);
            } else {
                out!(
                    "已导出同步包：{}（第 {} 号，{} 条变更，{} 字节）",
                    sent["path"].as_str().unwrap_or_default(),
                    sent["counter"],
                    sent["changes"],
                    sent["bytes"]
                );
            }
        }
        Command::Bundle { action: BundleAction::Import { file } } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let report: ImportReport = call(&mut api, "sync.import", json!({ "path": file }))?;
            print_report(cli.json, &report);
        }
        Command::Sync { hq } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let done: NetworkSync = call(&mut api, "sync.network", json!({ "url": hq }))?;
            out!("已发送 {} 字节", done.sent.bytes);
            print_report(cli.json, &done.received);
        }
        Command::Calendar(args) => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let shown: YearCalendar = match args.text()? {
                Some(text) => call(&mut api, "calendar.save", json!({ "year": args.year, "text": text }))?,
                None => call(&mut api, "calendar.year", json!({ "year": args.year }))?,
            };
            if cli.json {
                print_json(&serde_json::to_value(&shown).unwrap_or_default());
            } else {
                shown.lines().iter().for_each(|l| out!("{l}"));
            }
        }
        Command::Conflicts { action: ConflictAction::List { all } } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let list =
                api.guarded("conflict.list", |a| a.conflict_list(ConflictListRequest { include_resolved: all }))?;
            if cli.json {
                print_json(&serde_json::to_value(&list).unwrap_or_default());
            } else {
                out!("共 {} 条冲突", list.len());
                for c in &list {
                    out!(
                        "#{}\t{}.{}\t{}\t被覆盖：{}（{}）\t保留：{}（{}）{}",
                        c.id,
                        c.tbl,
                        c.col,
                        c.row_id,
                        c.loser_value,
                        c.loser_hlc,
                        c.winner_value,
                        c.winner_hlc,
                        if c.resolved_at.is_some() { "\t已处理" } else { "" }
                    );
                }
            }
        }
        Command::Conflicts { action: ConflictAction::Restore { id } } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let c = api.guarded("conflict.restore", |a| a.conflict_restore(ConflictRestoreRequest { id }))?;
            out!("已恢复冲突 #{}：{}.{} 恢复为 {}，下次同步时生效到各节点", c.id, c.tbl, c.col, c.loser_value);
        }
        Command::Agreement { dispute_id, out } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let w: Written = call(
                &mut api,
                "agreement.pdf",
                json!({ "dispute_id": dispute_id, "path": out, "overwrite": cli.overwrite }),
            )?;
            if cli.json {
                print_json(&serde_json::to_value(&w).unwrap_or_default());
            } else {
                out!("已生成协议书：{}（{} 页，{} 字节）", w.path.display(), w.count, w.bytes);
            }
        }
        Command::ExportXlsx { ledger, month, year, out } => {
            let kind = LedgerKind::parse(&ledger).ok_or_else(|| {
                Error::validation(
                    "ledger",
                    format!("没有名为“{ledger}”的台账；可选：{}", LedgerKind::ALL.map(LedgerKind::as_str).join("、")),
                )
            })?;
            let mut api = open(cli.db, cli.user.as_deref())?;
            let params = json!({ "kind": kind, "month": month, "year": year, "path": out, "overwrite": cli.overwrite });
            let w: Written = call(&mut api, "ledger.export", params)?;
            if cli.json {
                print_json(&serde_json::to_value(&w).unwrap_or_default());
            } else {
                out!("已导出{}：{}（{} 行）", kind.label(), w.path.display(), w.count);
            }
        }
        Command::ImportXlsx { file, dry_run } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let method = if dry_run { "import.preview" } else { "import.apply" };
            let r: RosterReport = call(&mut api, method, json!({ "path": file }))?;
            if cli.json {
                print_json(&serde_json::to_value(&r).unwrap_or_default());
            } else {
                print_import(&r);
            }
        }
        Command::Attach { to, id, file, caption } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            if let Some(path) = file {
                let params = json!({"owner_kind": to, "owner_id": id, "path": path, "caption": caption});
                let a = api.call("attachment.add", params)?;
                if cli.json {
                    print_json(&a);
                } else {
                    out!(
                        "已添加：{}（{} 字节，SM3 {}）",
                        a["name"].as_str().unwrap_or("-"),
                        a["size"],
                        a["sm3"].as_str().unwrap_or("-")
                    );
                }
            } else {
                let list = api.call("attachment.list", json!({"owner_kind": to, "owner_id": id}))?;
                if cli.json {
                    print_json(&list);
                } else {
                    let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
                    let rows = list.as_array().cloned().unwrap_or_default();
                    out!("共 {} 个照片或扫描件", rows.len());
                    for a in rows {
                        let ty = a["file_type"].as_str().and_then(FileType::parse).map_or("-", |t| t.label());
                        out!(
                            "{}\t{}\t{}\t{} 字节\t{}\t{}",
                            text(&a["attached_on"]),
                            ty,
                            text(&a["caption"]),
                            a["size"],
                            text(&a["name"]),
                            text(&a["id"])
                        );
                    }
                }
            }
        }
        Command::Stats { month, out } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let s: MonthStats = call(&mut api, "stats.month", json!({ "month": month }))?;
            if let Some(path) = out {
                let params = json!({ "month": month, "path": path, "overwrite": cli.overwrite });
                let w: Written = call(&mut api, "stats.export", params)?;
                if !cli.json {
                    out!("已导出：{}", w.path.display());
                }
            }
            if cli.json {
                print_json(&serde_json::to_value(&s).unwrap_or_default());
            } else {
                print_stats(&s);
            }
        }
        Command::Call { method, params, .. } => {
            let method = method.unwrap_or_default();
            let text = match params.as_deref() {
                None => "{}".to_owned(),
                Some("-") => std::io::read_to_string(std::io::stdin())?,
                Some(s) => s.to_owned(),
            };
            let params: Value = serde_json::from_str(&text).map_err(|e| {
                Error::BadRequest(format!("参数不是有效的 JSON（第 {} 行第 {} 列）", e.line(), e.column()))
            })?;
            let mut api = open(cli.db, cli.user.as_deref())?;
            let reply = api.call(&method, params)?;
            print_json(&reply);
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let reply = api.call("audit.verify", Value::Null)?;
            if cli.json {
                print_json(&reply);
            } else {
                out!("审计日志完整：共 {} 条，哈希链校验通过", reply["entries"]);
            }
        }
        Command::Backup { out } => {
            let mut api = open(cli.db, cli.user.as_deref())?;
            let reply = api.call("backup.create", serde_json::json!({ "out": out }))?;
            if cli.json {
                print_json(&reply);
            } else {
                out!("已备份到：{}", reply["file"].as_str().unwrap_or("-"));
                out!("密钥文件：{}（恢复时须与备份放在一起）", reply["key_file"].as_str().unwrap_or("-"));
            }
        }
        Command::Restore { file } => {
            let path = db_path(cli.db)?;
            let login = cli.user.ok_or_else(|| Error::unauthenticated("恢复备份须用 --user 指定管理员用户名"))?;
            let _held = claim(&path)?;
            let (_, report) = Api::restore(&file, &path, Arc::new(SystemClock), &login, &password("备份时的密码：")?)?;
            if cli.json {
                print_json(&serde_json::to_value(&report).unwrap_or_default());
            } else {
                out!(
                    "已从备份恢复：{}（结构版本 {}，审计日志 {} 条已校验）",
                    report.file.display(),
                    report.schema_version,
                    report.audit_entries
                );
                if let Some(p) = &report.previous {
                    out!("原数据库保留为：{}", p.display());
                }
                if let Some(note) = &report.sync_note {
                    out!("{note}");
                }
            }
        }
    }
    Ok(())
}

/// Runs a method through [`Api::call`] (so every front end goes the same way) and reads
/// its reply back as the method's type.
fn call<T: serde::de::DeserializeOwned>(api: &mut Api, method: &str, params: Value) -> Result<T, Error> {
    let reply = api.call(method, params)?;
    serde_json::from_value(reply).map_err(|e| Error::BadRequest(format!("{method} 的返回无法读取：{e}")))
}
