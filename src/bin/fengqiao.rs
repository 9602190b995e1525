//! `fengqiao`: the post's ledger from the command line. Every subcommand calls one function
//! of the core's api and prints its reply; scripts and acceptance checks use `call`.

#![warn(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};
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

#[path = "fengqiao/print.rs"]
mod print;
#[path = "fengqiao/serve.rs"]
mod serve;

use print::{describe_params, print_enrolled, print_import, print_report, print_stats};

#[derive(Parser)]
#[command(name = "fengqiao", version, about = "枫桥警务台账：警务室台账的命令行工具")]
struct Cli {
    /// 数据库文件（默认在用户数据目录；也可用环境变量 FENGQIAO_DB 指定）
    #[arg(long, global = true, env = "FENGQIAO_DB")]
    db: Option<PathBuf>,
    /// 以 JSON 输出结果（出错时输出 {code, message, field}）
    #[arg(long, global = true)]
    json: bool,
    /// 登录用户名（数据库已加密时必填；密码取自环境变量 FENGQIAO_PASSWORD，未设置则提示输入）
    #[arg(long, global = true, env = "FENGQIAO_USER")]
    user: Option<String>,
    /// 输出文件已存在时替换它（默认拒绝覆盖）
    #[arg(long, global = true)]
    overwrite: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 创建或升级数据库（重复执行无害）；--admin 创建首个管理员并加密数据库
    Init {
        /// 首个管理员的用户名（密码取自 FENGQIAO_PASSWORD，未设置则提示输入两次）
        #[arg(long)]
        admin: Option<String>,
    },
    /// 向空数据库导入演示数据（确定性：同一种子生成相同数据）
    Demo {
        /// 户数
        #[arg(long, default_value_t = 500)]
        households: usize,
        /// 随机种子
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// 按姓名（两个字即可）、公民身份号码、电话或住址查找人员
    Search {
        /// 要查找的内容
        text: String,
        /// 页码，从 1 开始
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 每页条数
        #[arg(long, default_value_t = 20)]
        page_size: u32,
    },
    /// 测量查找、列表等的耗时并输出数据（用于 BENCHMARKS.md）
    Bench {
        /// 每类查询的次数
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// 随机种子
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// 审计日志
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 把数据库加密备份到一个文件夹（如 U 盘）
    Backup {
        /// 备份到的文件夹
        #[arg(long)]
        out: PathBuf,
    },
    /// 从备份恢复数据库：先校验备份（密钥、完整性、结构版本、审计链），再替换；原数据库保留在旁边
    Restore {
        /// 备份文件（fengqiao-backup-….db，旁边须有它的 .keys 文件）
        file: PathBuf,
    },
    /// 向县局登记本警务室：凭县局的登记码通过网络登记（--hq URL --code 码），
    /// 或用文件：生成申请文件，带回县局的回执后接受
    #[command(args_conflicts_with_subcommands = true)]
    Enroll {
        #[command(subcommand)]
        step: Option<EnrollStep>,
        /// 县局服务地址，如 http://192.168.1.10:8080
        #[arg(long, requires = "code")]
        hq: Option<String>,
        /// 县局发放的一次性登记码
        #[arg(long, requires = "hq")]
        code: Option<String>,
    },
    /// 同步包（U 盘）：导出给县局、导入县局的回复
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// 通过网络与县局同步（发送同步包，导入回复）
    Sync {
        /// 县局服务地址，如 http://10.1.2.3:8080
        #[arg(long)]
        hq: String,
    },
    /// 工作日历：查看某年（默认今年）；未在县局登记的警务室可录入某年的放假和调休上班日（管理员），
    /// 照抄国务院办公厅通知，每个节日一行，如“春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。”
    Calendar(fengqiao::api::CalendarArgs),
    /// 同步冲突：列出、恢复被覆盖的值
    Conflicts {
        #[command(subcommand)]
        action: ConflictAction,
    },
    /// 生成纠纷的调解协议书 PDF（人民调解或治安调解，按协议类型）
    Agreement {
        /// 纠纷编号（id）
        dispute_id: String,
        /// 输出的 PDF 文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 导出台账为 Excel：households（实有人口）、disputes（矛盾纠纷调解）、follow_ups（回访）、errands（代办）、incidents（警情）、volunteers（群防群治力量）、patrols（巡逻防控）、leads（线索）、hazards（隐患排查整改）、outreach（宣传活动）、feedback（意见建议）、five_nones（五无村创建，按年度）、care（结对帮扶）、awards（表彰奖励）
    ExportXlsx {
        /// 台账种类（代码或中文名）
        #[arg(long)]
        ledger: String,
        /// 只导出该月，如 2026-11
        #[arg(long)]
        month: Option<String>,
        /// 五无台账的年度，如 2026（默认今年）
        #[arg(long)]
        year: Option<i32>,
        /// 输出的 .xlsx 文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 从 Excel 户籍花名册导入户和人员（按身份证号匹配，重复导入不变）
    ImportXlsx {
        /// 花名册 .xlsx 文件
        file: PathBuf,
        /// 只检查并报告将要新增、更新的内容和逐行错误，不写入
        #[arg(long)]
        dry_run: bool,
    },
    /// 月度统计
    Stats {
        /// 月份，如 2026-11
        #[arg(long)]
        month: String,
        /// 同时导出为文件（.pdf 一页月报或 .xlsx）
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 照片和扫描件：为隐患、警情或调解协议书添加照片（JPEG、PNG，不超过 10 MB）或扫描件（PDF，不超过 20 MB），
    /// 不给文件时列出已添加的
    Attach {
        /// 所属：hazard（隐患）、incident（警情）、agreement（调解协议书）
        #[arg(long)]
        to: String,
        /// 记录的 id
        #[arg(long)]
        id: String,
        /// 要添加的文件（按内容判断类型，改扩展名无效）
        file: Option<PathBuf>,
        /// 说明，如 整改前、整改后、现场
        #[arg(long)]
        caption: Option<String>,
    },
    /// 浏览器版：在本机 127.0.0.1 上提供警务室台账的网页，并用系统浏览器打开（不需要 WebKitGTK）
    Serve {
        /// 网页文件所在目录（默认：程序旁的 ui/，或安装包的 ../share/fengqiao/ui）
        #[arg(long, env = "FENGQIAO_UI_DIR")]
        ui_dir: Option<PathBuf>,
        /// 不打开浏览器，只输出带一次性口令的链接
        #[arg(long)]
        no_browser: bool,
    },
    /// 调用任一接口方法：fengqiao call person.create '{"name":"王芳"}'
    Call {
        /// 方法名，如 person.create
        #[arg(required_unless_present = "list")]
        method: Option<String>,
        /// JSON 参数（省略时为 {}；为 - 时从标准输入读取）
        params: Option<String>,
        /// 列出所有方法及其参数
        #[arg(long)]
        list: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计日志的哈希链，指出第一条被改动或删除的记录
    Verify,
}

#[derive(Subcommand)]
enum EnrollStep {
    /// 生成登记申请文件（含本机公钥），交县局管理员
    Request {
        /// 申请文件路径
        #[arg(long)]
        out: PathBuf,
        /// 警务室名称
        #[arg(long)]
        name: Option<String>,
    },
    /// 接受县局的登记回执
    Accept {
        /// 回执文件路径
        reply: PathBuf,
    },
}

#[derive(Subcommand)]
enum BundleAction {
    /// 导出给县局的同步包
    Export {
        /// 同步包路径（*.fqsync）
        #[arg(long)]
        out: PathBuf,
    },
    /// 导入同步包（被拒绝时退出码非零，且不做任何改动）
    Import {
        /// 同步包路径（*.fqsync）
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ConflictAction {
    /// 列出未处理的冲突
    List {
        /// 也列出已处理的
        #[arg(long)]
        all: bool,
    },
    /// 恢复冲突中被覆盖的值
    Restore {
        /// 冲突编号
        id: i64,
    },
}

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
