//! `fengqiao-hq`: parses flags and calls the core's api or [`fengqiao_hq::run`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use clap::{Parser, Subcommand};
use fengqiao::Error;
use fengqiao::api::Api;
use fengqiao::api::county::{RefusalsRequest, Unlock};
use fengqiao::model::time::{Clock, FixedClock, SystemClock};

#[derive(Parser)]
#[command(name = "fengqiao-hq", version, about = "枫桥警务台账县局同步服务")]
struct Cli {
    /// 数据目录（县局数据库 hq.db 所在）
    #[arg(long)]
    data: PathBuf,
    /// 输出文件（回执、回复包）已存在时替换它（默认拒绝覆盖）
    #[arg(long, global = true)]
    overwrite: bool,
    /// 县局账号（数据库已加密时管理命令必填；密码取自 FENGQIAO_PASSWORD，未设置则提示输入）
    #[arg(long, global = true, env = "FENGQIAO_HQ_USER")]
    user: Option<String>,
    /// 手机验证器上的 6 位动态口令（也可用环境变量 FENGQIAO_OTP；未提供则提示输入）
    #[arg(long, global = true, env = "FENGQIAO_OTP")]
    otp: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// How `serve` unlocks the encrypted database.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum UnlockBy {
    /// 服务密钥文件（--service-key，只有服务账号可读）：重启后无人值守自动解锁
    ServiceKey,
    /// 启动口令（环境变量 FENGQIAO_HQ_PASSPHRASE、标准输入或终端提示）：须有人在场
    Passphrase,
}

#[derive(Subcommand)]
enum Command {
    /// 建立县局节点（生成密钥）；重复执行只改名称。--admin 创建首个县局管理员并加密数据库
    Init {
        /// 县局名称
        #[arg(long)]
        name: String,
        /// 首个县局管理员的用户名（密码取自 FENGQIAO_PASSWORD，未设置则提示输入两次）；数据库随之加密
        #[arg(long)]
        admin: Option<String>,
        /// 同时生成服务密钥文件（供 serve --unlock service-key 无人值守解锁；文件须不存在）
        #[arg(long)]
        service_key: Option<PathBuf>,
        /// 同时设置启动口令（供 serve --unlock passphrase；取自 FENGQIAO_HQ_PASSPHRASE 或提示输入两次）
        #[arg(long)]
        passphrase: bool,
    },
    /// 设置县局服务的解锁方式（县局管理员）：生成新的服务密钥文件，和/或设置启动口令
    UnlockSetup {
        /// 生成服务密钥文件（文件须不存在；旧的密钥文件随之失效）
        #[arg(long)]
        service_key: Option<PathBuf>,
        /// 设置启动口令
        #[arg(long)]
        passphrase: bool,
    },
    /// 加密备份县局数据库到一个文件夹（县局管理员）
    Backup {
        /// 备份到的文件夹
        #[arg(long)]
        out: PathBuf,
    },
    /// 从备份恢复县局数据库（先停止 serve）：校验备份后替换，原数据库保留在旁边
    Restore {
        /// 备份文件（fengqiao-backup-….db，旁边须有它的 .keys 文件）
        file: PathBuf,
    },
    /// 派出所：列出，或新增一个（--add 名称；县局管理员）
    Stations {
        /// 新增的派出所名称
        #[arg(long)]
        add: Option<String>,
    },
    /// 登记警务室：读入申请文件，写出回执文件
    Enroll {
        /// 警务室的登记申请文件（.fqreq）
        request: PathBuf,
        /// 辖区村（社区）代码，逗号分隔
        #[arg(long, value_delimiter = ',', required = true)]
        villages: Vec<String>,
        /// 回执文件路径（.fqreply）
        #[arg(long)]
        out: PathBuf,
    },
    /// 发放一次性登记码：警务室凭它通过网络登记（fengqiao enroll --hq URL --code 码）
    EnrollCode {
        /// 辖区村（社区）代码，逗号分隔
        #[arg(long, value_delimiter = ',', required = true)]
        villages: Vec<String>,
        /// 警务室名称（县局登记时采用此名称）
        #[arg(long)]
        name: Option<String>,
        /// 所属派出所（名称或标识）
        #[arg(long)]
        station: Option<String>,
        /// 有效期（小时）
        #[arg(long, default_value_t = fengqiao::sync::code::DEFAULT_HOURS)]
        hours: i64,
    },
    /// 指派：把辖区外的一条记录（连同其下属记录）交给警务室，下次同步时送达
    Assign {
        /// 警务室名称或节点标识
        #[arg(long)]
        post: String,
        /// 数据表，如 dispute、lead、hazard、household
        #[arg(long)]
        table: String,
        /// 记录标识
        #[arg(long)]
        id: String,
        /// 指派说明
        #[arg(long)]
        note: Option<String>,
    },
    /// 撤回指派：警务室保留已有的记录，此后不再收到它们的变更（其辖区内的除外）
    Unassign {
        /// 指派标识（见 assignments）
        id: String,
    },
    /// 审计告警：列出未处理的（--all 含已处理），或把一条标记为已处理（--seen 编号）
    Alarms {
        /// 含已处理的
        #[arg(long)]
        all: bool,
        /// 标记为已处理（查明原因后，例如警务室恢复了备份）
        #[arg(long)]
        seen: Option<i64>,
        /// 处理说明（查明的原因）
        #[arg(long, requires = "seen")]
        reason: Option<String>,
    },
    /// 未采用的变更：警务室同步包中超出其辖区或时间超前、县局没有采用的行（最新的在前）
    Refusals {
        /// 最多列出几条（至多 500）
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// 列出县局的指派及是否已送达
    Assignments {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 工作日历：查看某年（默认今年）；或录入某年的放假和调休上班日（县局管理员），随同步下发各警务室。
    /// 录入时照抄国务院办公厅通知，每个节日一行，如“春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。”
    Calendar(fengqiao::api::CalendarArgs),
    /// 导入警务室的同步包（U 盘），写出给它的回复包
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// 更换县局数据库密钥（县局管理员；先停止 serve）：停用县局账号后，被停用者知道的旧密钥从此打不开县局数据库
    Rekey,
    /// 启动县局服务：同步、登记、U 盘转交页面和县局工作台
    Serve {
        /// 监听地址，如 0.0.0.0:8443
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// 数据库已加密时如何解锁：service-key（服务密钥文件，重启后自动解锁）或 passphrase（启动口令）
        #[arg(long, value_enum)]
        unlock: Option<UnlockBy>,
        /// 服务密钥文件（--unlock service-key）
        #[arg(long, env = "FENGQIAO_HQ_SERVICE_KEY")]
        service_key: Option<PathBuf>,
        /// HTTPS 证书文件（PEM，本机证书在前，可含中间证书）
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// HTTPS 私钥文件（PEM）
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// 在非本机地址上用明文 HTTP 的理由（如 HTTPS 由县局的反向代理终止）；不写则只能监听 127.0.0.1
        #[arg(long, conflicts_with = "tls_cert")]
        plain_http_because: Option<String>,
        /// HTTPS 由反向代理终止时，代理的证书文件（PEM）：警务室通过网络登记时记录它，此后只认它
        #[arg(long, conflicts_with = "tls_cert")]
        proxy_cert: Option<PathBuf>,
        /// 县局工作台网页文件所在目录（默认：程序旁的 console 目录）
        #[arg(long)]
        console_dir: Option<PathBuf>,
        /// 同步包大小上限（MB）
        #[arg(long, default_value_t = fengqiao_hq::MAX_BUNDLE >> 20)]
        max_bundle_mb: u64,
        /// 每个数据库连接最多使用的页面缓存（MB，16–65536；随读取增长）：县局统计、督办、疑似重复等读全县数据时越大越快，内存少的服务器可调小
        #[arg(long, default_value_t = fengqiao_hq::PAGE_CACHE_MB)]
        page_cache_mb: u64,
    },
    /// 生成自签名的 HTTPS 证书和私钥（写入数据目录下的 tls/），供 serve --tls-cert/--tls-key 使用
    TlsCert {
        /// 警务室访问县局时使用的 IP 地址或域名（可多次给出）
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
    },
}

#[derive(Subcommand)]
enum BundleAction {
    /// 导入同步包并写出回复包
    Import {
        /// 警务室的同步包
        file: PathBuf,
        /// 回复包路径
        #[arg(long)]
        reply_out: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "错误：{e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)
}

/// The console's files shipped beside the binary (`console/` next to `fengqiao-hq`).
fn beside_binary() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join("console"))
}

fn say(line: String) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The clock: the system's, unless `FENGQIAO_NOW` fixes it (for scripted checks, as in the
/// post's CLI).
fn clock() -> Result<Arc<dyn Clock>, Error> {
    match std::env::var("FENGQIAO_NOW") {
        Ok(s) => {
            let at = fengqiao::model::time::parse_instant(&s).ok_or_else(|| {
                Error::validation("FENGQIAO_NOW", format!("环境变量 FENGQIAO_NOW 的时间“{s}”无法识别"))
            })?;
            Ok(Arc::new(FixedClock::new(at)))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// A secret: the environment variable `var`, else a line from standard input when it is
/// not a terminal (e.g. `systemd-ask-password … | fengqiao-hq serve …`), else typed at the
/// terminal without echo.
fn secret(var: &str, prompt: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    rpassword::prompt_password(prompt)
        .map_err(|e| Error::unauthenticated(format!("无法读取{prompt}（{e}）；可用环境变量 {var} 提供")))
}

/// A new secret, typed twice when prompted.
fn new_secret(var: &str, what: &str) -> Result<String, Error> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    let first = secret(var, &format!("设置{what}（至少 8 位，含字母和数字）："))?;
    let again = secret(var, &format!("再次输入{what}："))?;
    if first != again {
        return Err(Error::validation("password", format!("两次输入的{what}不一致")));
    }
    Ok(first)
}

/// HQ's node for a management command: unencrypted (setup mode), or opened as the county
/// login `--user` with its password and one-time code.
fn open(cli_data: &std::path::Path, user: Option<&str>, otp: Option<&str>) -> Result<Api, Error> {
    if !fengqiao_hq::is_secured(cli_data) {
        return Api::open(&fengqiao_hq::db_path(cli_data), clock()?);
    }
    let Some(login) = user else {
        return Err(Error::unauthenticated(
            "县局数据库已加密：请用 --user 县局账号 登录（密码取自 FENGQIAO_PASSWORD）",
        ));
    };
    let password = secret("FENGQIAO_PASSWORD", "密码：")?;
    let otp = otp.map(str::to_owned).or_else(|| secret("FENGQIAO_OTP", "动态口令：").ok());
    Api::open_county(&fengqiao_hq::db_path(cli_data), clock()?, login, &password, otp.as_deref())
}

/// A station named by its id or its name.
fn station_id(api: &mut Api, station: &str) -> Result<String, Error> {
    let all = api.guarded("hq.stations", |api| api.hq_stations())?;
    all.into_iter()
        .find(|s| s.id == station || s.name == station)
        .map(|s| s.id)
        .ok_or_else(|| Error::validation("station", format!("没有名为或标识为“{station}”的派出所")))
}

/// Every `fengqiao-hq` process holds `hq.db.open` while it has hq.db open: shared by all,
/// exclusive for a change of key, which renames a new file over hq.db (a process holding
/// the old one would go on writing to an unlinked file). A process that finds it free takes
/// it exclusively first, to finish or undo a change of key a crash interrupted; then only
/// `rekey` (and `serve` while it makes a change that is due) keeps it so.
struct OpenLock {
    file: std::fs::File,
    exclusive: bool,
}

impl OpenLock {
    fn take(data: &std::path::Path) -> Result<OpenLock, Error> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(data.join("hq.db.open"))?;
        match file.try_lock() {
            Ok(()) => {
                fengqiao::store::rotate::settle(&fengqiao_hq::db_path(data))?;
                Ok(OpenLock { file, exclusive: true })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                // Another process has hq.db open; a change of key in progress is waited for.
                file.lock_shared()?;
                Ok(OpenLock { file, exclusive: false })
            }
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// Refuses `what` (a change that renames a file over hq.db) while another process has
    /// hq.db open.
    fn require_alone(&self, what: &str) -> Result<(), Error> {
        if self.exclusive {
            return Ok(());
        }
        Err(Error::rule(format!("县局服务（serve）或其他 fengqiao-hq 命令正在使用县局数据库：请先停止它们，再{what}")))
    }

    /// From exclusive to shared: other processes may open hq.db again.
    fn share(&mut self) -> Result<(), Error> {
        if self.exclusive {
            self.file.lock_shared()?;
            self.exclusive = false;
        }
        Ok(())
    }
}

/// The step after which a change of key stops the process (`FENGQIAO_HQ_REKEY_DIE_AFTER`,
/// for the test that kills it at each step), or none. Read only by debug builds (the ones
/// the tests run): a release binary, as packaged, has no such switch.
fn die_after() -> impl FnMut(fengqiao::store::rotate::Step) {
    let at = if cfg!(debug_assertions) { std::env::var("FENGQIAO_HQ_REKEY_DIE_AFTER").ok() } else { None };
    move |step| {
        if at.as_deref() == Some(format!("{step:?}").as_str()) {
            std::process::abort();
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    std::fs::create_dir_all(&cli.data)?;
    let data = cli.data.clone();
    let mut held = OpenLock::take(&data)?;
    if !matches!(cli.command, Command::Rekey | Command::Restore { .. } | Command::Serve { .. }) {
        held.share()?;
    }
    let (user, otp, overwrite) = (cli.user.clone(), cli.otp.clone(), cli.overwrite);
    match cli.command {
        Command::Init { name, admin, service_key, passphrase } => {
            let mut api = if fengqiao_hq::is_secured(&data) {
                open(&data, user.as_deref(), otp.as_deref())?
            } else {
                Api::open(&fengqiao_hq::db_path(&data), clock()?)?
            };
            api.hq_init(&name)?;
            say(format!("县局节点已就绪：{}（{}）", name, api.store().node_id()));
            if let Some(login) = admin {
                if api.is_secured() {
                    return Err(Error::rule("县局数据库已加密并设有管理员；新增账号请登录控制台或用 hq.user_create"));
                }
                drop(api);
                let password = new_secret("FENGQIAO_PASSWORD", "管理员密码")?;
                api = Api::create_county_admin(&fengqiao_hq::db_path(&data), clock()?, &login, &password)?;
                say(format!("已创建县局管理员“{login}”，县局数据库已加密；首次登录时绑定手机验证器（动态口令）"));
            }
            setup_unlock(&mut api, service_key.as_deref(), passphrase)?;
        }
        Command::UnlockSetup { service_key, passphrase } => {
            if service_key.is_none() && !passphrase {
                return Err(Error::validation("unlock", "请指定 --service-key 文件 和/或 --passphrase"));
            }
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            setup_unlock(&mut api, service_key.as_deref(), passphrase)?;
        }
        Command::Backup { out } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let r = api.guarded("hq.backup", |api| api.backup_create(fengqiao::api::BackupRequest { out }))?;
            say(format!(
                "已备份到 {}（密钥文件 {}；审计日志 {} 条，校验完整）",
                r.file.display(),
                r.key_file.display(),
                r.audit_entries
            ));
        }
        Command::Restore { file } => {
            // The restored file is renamed over hq.db, as a change of key renames its copy.
            held.require_alone("恢复备份")?;
            let Some(login) = user else {
                return Err(Error::validation("user", "请用 --user 指定备份中的县局管理员账号"));
            };
            let password = secret("FENGQIAO_PASSWORD", "备份时的密码：")?;
            let r = Api::restore_hq(&file, &fengqiao_hq::db_path(&data), clock()?, &login, &password)?;
            say(format!(
                "已从 {} 恢复县局数据库（审计日志 {} 条，校验完整）{}",
                file.display(),
                r.audit_entries,
                r.previous.map(|p| format!("；原数据库保留为 {}", p.display())).unwrap_or_default()
            ));
            if let Some(note) = r.sync_note {
                say(note);
            }
        }
        Command::Stations { add } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            if let Some(name) = add {
                let req = fengqiao::api::county::StationSave { id: None, name };
                let s = api.guarded("hq.station_save", |api| api.hq_station_save(req))?;
                say(format!("已新增派出所“{}”（{}）", s.name, s.id));
            } else {
                for s in api.guarded("hq.stations", |api| api.hq_stations())? {
                    say(format!("{}  {}  警务室 {} 个", s.id, s.name, s.posts));
                }
            }
        }
        Command::Enroll { request, villages, out } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let req = api.guarded("hq.enroll_file", |api| api.hq_enroll_file(&request, &villages, &out, overwrite))?;
            say(format!(
                "已登记警务室“{}”（{}），辖区：{}；回执：{}",
                req.node.name,
                req.node.node_id,
                villages.join("、"),
                out.display()
            ));
        }
        Command::EnrollCode { villages, name, station, hours } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let station_id = station.map(|s| station_id(&mut api, &s)).transpose()?;
            let req = fengqiao::api::county::EnrollCodeRequest { villages, name, station_id, hours: Some(hours) };
            let issued = api.guarded("hq.enroll_code", |api| api.hq_enroll_code_for(req))?;
            let until = fengqiao::model::time::show_stored(&issued.expires_at);
            say(format!("登记码：{}", issued.code));
            say(format!(
                "辖区：{}；有效至 {until}（北京时间），只能使用一次。请当面或电话告知警务室管理员，本码不会再次显示。",
                issued.villages.join("、")
            ));
        }
        Command::Bundle { action: BundleAction::Import { file, reply_out } } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let r = api.guarded("hq.bundle_import", |api| api.hq_exchange_file(&file, &reply_out, overwrite))?;
            let reply = if r.repeat { "已重新生成回复包，请带回警务室导入" } else { "回复包" };
            say(format!("{}；{reply}：{}", r.summary("县局", true), reply_out.display()));
            for row in &r.refusals {
                say(format!("  未采用 {}：{}", row.what(), row.reason));
            }
            // The reply is on disk; now the search entries HQ deferred past the import, so
            // that a search later finds this post's residents without building them first.
            api.search_catch_up(usize::MAX)?;
        }
        Command::Assign { post, table, id, note } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let post_id = api
                .guarded("hq.posts", |api| api.hq_posts(Default::default()))?
                .items
                .into_iter()
                .find(|p| p.id == post || p.name == post)
                .map(|p| p.id)
                .ok_or_else(|| Error::validation("post", format!("没有登记名为或标识为“{post}”的警务室")))?;
            let req = fengqiao::api::county::AssignRequest { post_id, table, id, note };
            let a = api.guarded("hq.assign", |api| api.hq_assign_to(req))?;
            say(format!(
                "已指派给“{}”：{}（连同下属记录，{} 条变更），下次同步时送达",
                a.post_name,
                a.what(),
                a.pending_changes
            ));
        }
        Command::Unassign { id } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let a = api.guarded("hq.unassign", |api| api.hq_unassign_id(fengqiao::api::IdRequest { id }))?;
            say(format!("已撤回给“{}”的指派：{}，下次同步时告知警务室", a.post_name, a.what()));
        }
        Command::Alarms { all, seen, reason } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            if let Some(id) = seen {
                if api.is_secured() && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(Error::validation("reason", "请用 --reason 写明处理说明：查明的原因"));
                }
                let a = api.guarded("hq.alarm_seen", |api| api.hq_see_audit_alarm(id, reason.as_deref()))?;
                say(format!("第 {} 号告警已标记为已处理：{}：{}", a.id, a.post_name, a.message));
            } else {
                let req = fengqiao::api::county::AlarmsRequest { all: Some(all), page: None, page_size: Some(500) };
                let alarms = api.guarded("hq.alarms", |api| api.hq_alarms(req))?.items;
                if alarms.is_empty() {
                    say("没有未处理的审计告警".into());
                }
                for a in alarms {
                    say(format!(
                        "{}  {}  {}  {}{}",
                        a.id,
                        fengqiao::model::time::show_stored(&a.detected_at),
                        a.post_name,
                        a.message,
                        if a.seen_at.is_some() { "（已处理）" } else { "" }
                    ));
                }
            }
        }
        Command::Refusals { limit } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let req = RefusalsRequest {
                page_size: Some(u32::try_from(limit.clamp(1, 500)).unwrap_or(500)),
                ..Default::default()
            };
            let rows = api.guarded("hq.refusals", |api| api.hq_refusals(req))?.items;
            if rows.is_empty() {
                say("没有未采用的变更".into());
            }
            for r in rows {
                say(format!(
                    "{}  {}  {}  第 {} 号同步包  {}（{} 条变更）：{}",
                    r.id,
                    fengqiao::model::time::show_stored(&r.refused_at),
                    r.post_name,
                    r.counter,
                    r.what(),
                    r.changes,
                    r.reason
                ));
            }
        }
        Command::Calendar(args) => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let year = args.year;
            let shown = match (args.text()?, year) {
                (Some(text), Some(year)) => {
                    let req = fengqiao::api::CalendarSave { year, days: None, text: Some(text) };
                    let saved = api.guarded("hq.calendar_save", |api| api.calendar_save(req))?;
                    say(format!("已录入 {year} 年工作日历（{} 天），下次同步时送达各警务室", saved.days.len()));
                    saved
                }
                _ => {
                    let req = fengqiao::api::CalendarYearRequest { year };
                    api.guarded("hq.calendar", |api| api.calendar_year(req))?
                }
            };
            for line in shown.lines() {
                say(line);
            }
        }
        Command::Assignments { json } => {
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            let all = api.guarded("hq.assignments", |api| api.hq_assignments())?;
            if json {
                say(serde_json::to_string_pretty(&all).map_err(|e| Error::BadRequest(e.to_string()))?);
            } else if all.is_empty() {
                say("还没有指派".into());
            } else {
                for a in all {
                    say(format!(
                        "{}  {}  {}  {}  {}  {}",
                        a.id,
                        fengqiao::model::time::show_stored(&a.assigned_at),
                        a.post_name,
                        a.what(),
                        a.state(),
                        a.note.as_deref().unwrap_or_default()
                    ));
                }
            }
        }
        Command::Rekey => {
            held.require_alone("更换数据库密钥")?;
            let mut api = open(&data, user.as_deref(), otp.as_deref())?;
            if !api.is_secured() {
                return Err(Error::rule("县局数据库尚未加密，没有密钥可换；请先运行 fengqiao-hq init --admin 用户名"));
            }
            api.hq_rekey("县局管理员更换数据库密钥", &mut die_after())?;
            say("已更换县局数据库密钥：被停用的账号所知道的旧密钥从此打不开县局数据库".into());
        }
        Command::Serve {
            listen,
            unlock,
            service_key,
            tls_cert,
            tls_key,
            plain_http_because,
            proxy_cert,
            console_dir,
            max_bundle_mb,
            page_cache_mb,
        } => {
            if !(16..=65536).contains(&page_cache_mb) {
                return Err(Error::validation("page_cache_mb", "页面缓存（--page-cache-mb）应在 16 到 65536 MB 之间"));
            }
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(fengqiao_hq::tls::load(&cert, &key).map_err(Error::rule)?),
                _ => None,
            };
            let listener = std::net::TcpListener::bind(&listen)
                .map_err(|e| Error::rule(format!("无法监听 {listen}：{e}（端口被占用，或地址不属于本机）")))?;
            let addr = listener.local_addr()?;
            if tls.is_none() {
                fengqiao_hq::tls::check_plain(addr, plain_http_because.as_deref()).map_err(Error::rule)?;
            }
            let api = match (fengqiao_hq::is_secured(&data), unlock) {
                (false, _) => {
                    eprintln!(
                        "注意：县局数据库未加密（设置模式）。正式使用前请运行 fengqiao-hq --data {} init --name 名称 --admin 用户名",
                        data.display()
                    );
                    Api::open(&fengqiao_hq::db_path(&data), clock()?)?
                }
                (true, None) => {
                    return Err(Error::validation(
                        "unlock",
                        "县局数据库已加密：请用 --unlock service-key --service-key 文件（无人值守）或 --unlock passphrase（启动口令）解锁",
                    ));
                }
                (true, Some(UnlockBy::ServiceKey)) => {
                    let Some(path) = service_key else {
                        return Err(Error::validation("service_key", "请用 --service-key 指定服务密钥文件"));
                    };
                    Api::open_service(&fengqiao_hq::db_path(&data), clock()?, &Unlock::ServiceKey(path))?
                }
                (true, Some(UnlockBy::Passphrase)) => {
                    let p = secret("FENGQIAO_HQ_PASSPHRASE", "县局服务启动口令：")?;
                    Api::open_service(&fengqiao_hq::db_path(&data), clock()?, &Unlock::Passphrase(p))?
                }
            };
            let mut api = api;
            if api.is_secured() && api.hq_rekey_due()? {
                if held.exclusive {
                    api.hq_rekey("停用县局账号后，县局服务启动时更换数据库密钥", &mut die_after())?;
                    eprintln!("已更换县局数据库密钥（有县局账号被停用）");
                } else {
                    eprintln!(
                        "注意：有县局账号被停用，县局数据库密钥待更换；其他 fengqiao-hq 命令正在使用数据库，下次启动时更换"
                    );
                }
            }
            held.share()?;
            api.store_mut().set_page_cache(page_cache_mb as i64 * 1024)?;
            let console_dir =
                console_dir.or_else(beside_binary).filter(|d| d.join(fengqiao_hq::CONSOLE_PAGE).is_file());
            let options = fengqiao_hq::Options {
                tls: tls.as_ref().map(|t| t.config.clone()),
                max_bundle: max_bundle_mb.saturating_mul(1 << 20),
                spool_dir: fengqiao_hq::spool_dir(&data),
                console_dir: console_dir.clone(),
                enroll_cert: match (&tls, proxy_cert) {
                    (Some(t), _) => Some(t.anchor.clone()),
                    (None, Some(p)) => Some(fengqiao_hq::tls::anchor_of(&p).map_err(Error::rule)?),
                    (None, None) => None,
                },
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            say(format!("县局服务已启动：{scheme}://{addr}"));
            if let Some(reason) = plain_http_because.filter(|_| !addr.ip().is_loopback()) {
                say(format!("明文 HTTP，理由：{reason}"));
            }
            match &console_dir {
                Some(d) => say(format!("县局工作台：{scheme}://{addr}/（网页文件 {}）", d.display())),
                None => say("未找到县局工作台网页文件（--console-dir），只提供同步、登记和 U 盘转交页面".into()),
            }
            // The PDF exports' fonts, looked for as the desk's tool does: beside the binary
            // (`fonts/`), then `../lib/fengqiao-desk/fonts`; FENGQIAO_FONT_DIR overrides.
            match fengqiao::docs::font::found_dir() {
                Ok(d) => say(format!("文书字体：{}", d.display())),
                Err(e) => say(format!("PDF 导出暂不可用：{e}")),
            }
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(fengqiao_hq::serve(listener, api, options, async {
                let _ = tokio::signal::ctrl_c().await;
            }))?;
        }
        Command::TlsCert { hosts } => {
            let (cert, key) = fengqiao_hq::tls::self_signed(&hosts).map_err(Error::rule)?;
            let dir = data.join("tls");
            std::fs::create_dir_all(&dir)?;
            let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
            if cert_path.exists() || key_path.exists() {
                return Err(Error::rule(format!(
                    "{} 中已有证书或私钥，未做改动；如要换新证书，请先移走这两个文件（已登记的警务室须重新登记）",
                    dir.display()
                )));
            }
            write_private(&key_path, key.as_bytes())?;
            std::fs::write(&cert_path, cert)?;
            say(format!("已生成证书 {} 和私钥 {}（仅本用户可读）", cert_path.display(), key_path.display()));
            say(format!(
                "启动：fengqiao-hq --data {} serve --listen 0.0.0.0:8443 --tls-cert {} --tls-key {}",
                data.display(),
                cert_path.display(),
                key_path.display()
            ));
        }
    }
    Ok(())
}

/// Sets the service key file and/or the start passphrase (a county admin's act).
fn setup_unlock(api: &mut Api, service_key: Option<&std::path::Path>, passphrase: bool) -> Result<(), Error> {
    if let Some(path) = service_key {
        api.set_service_key(path)?;
        say(format!(
            "已生成服务密钥文件 {}（权限 600）：请把它交给运行县局服务的系统账号，serve --unlock service-key --service-key 该文件",
            path.display()
        ));
    }
    if passphrase {
        let p = new_secret("FENGQIAO_HQ_PASSPHRASE", "启动口令")?;
        api.set_operator_passphrase(&p)?;
        say("已设置启动口令：serve --unlock passphrase 启动时输入".into());
    }
    Ok(())
}
