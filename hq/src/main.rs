//! `fengqiao-hq`: parses flags and calls the core's api or [`fengqiao_hq::run`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fengqiao::Error;

#[derive(Parser)]
#[command(name = "fengqiao-hq", version, about = "枫桥警务台账县局同步服务")]
struct Cli {
    /// 数据目录（县局数据库 hq.db 所在）
    #[arg(long)]
    data: PathBuf,
    /// 输出文件（回执、回复包）已存在时替换它（默认拒绝覆盖）
    #[arg(long, global = true)]
    overwrite: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 建立县局节点（生成密钥）；重复执行只改名称
    Init {
        /// 县局名称
        #[arg(long)]
        name: String,
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
    },
    /// 未采用的变更：警务室同步包中超出其辖区或时间超前、县局没有采用的行（最新的在前）
    Refusals {
        /// 最多列出几条
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// 列出县局的指派及是否已送达
    Assignments {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 导入警务室的同步包（U 盘），写出给它的回复包
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// 启动同步服务
    Serve {
        /// 监听地址，如 0.0.0.0:8080
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
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

fn say(line: String) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn run(cli: Cli) -> Result<(), Error> {
    std::fs::create_dir_all(&cli.data)?;
    let mut api = fengqiao_hq::open(&cli.data)?;
    match cli.command {
        Command::Init { name } => {
            api.hq_init(&name)?;
            say(format!("县局节点已就绪：{}（{}）", name, api.store().node_id()));
        }
        Command::Enroll { request, villages, out } => {
            let req = api.hq_enroll_file(&request, &villages, &out, cli.overwrite)?;
            say(format!(
                "已登记警务室“{}”（{}），辖区：{}；回执：{}",
                req.node.name,
                req.node.node_id,
                villages.join("、"),
                out.display()
            ));
        }
        Command::EnrollCode { villages, name, hours } => {
            let issued = api.hq_enroll_code(&villages, name.as_deref(), hours)?;
            let until = fengqiao::model::time::show_stored(&issued.expires_at);
            say(format!("登记码：{}", issued.code));
            say(format!(
                "辖区：{}；有效至 {until}（北京时间），只能使用一次。请当面或电话告知警务室管理员，本码不会再次显示。",
                issued.villages.join("、")
            ));
        }
        Command::Bundle { action: BundleAction::Import { file, reply_out } } => {
            let r = api.hq_exchange_file(&file, &reply_out, cli.overwrite)?;
            say(format!(
                "已导入来自 {} 的第 {} 号同步包：{} 条变更，采用 {}，较旧未采用 {}，已有 {}，冲突 {}，拒收 {}；回复包：{}",
                r.from,
                r.counter,
                r.changes,
                r.applied,
                r.ignored,
                r.duplicates,
                r.conflicts,
                r.refused,
                reply_out.display()
            ));
            for row in &r.refusals {
                say(format!("  未采用 {}：{}", row.what(), row.reason));
            }
            // The reply is on disk; now the search entries HQ deferred past the import, so
            // that a search later finds this post's residents without building them first.
            api.search_catch_up(usize::MAX)?;
        }
        Command::Assign { post, table, id, note } => {
            let a = api.hq_assign(&post, &table, &id, note.as_deref())?;
            say(format!(
                "已指派给“{}”：{}（连同下属记录，{} 条变更），下次同步时送达",
                a.post_name,
                a.what(),
                a.pending_changes
            ));
        }
        Command::Unassign { id } => {
            let a = api.hq_unassign(&id)?;
            say(format!("已撤回给“{}”的指派：{}，下次同步时告知警务室", a.post_name, a.what()));
        }
        Command::Alarms { all, seen } => {
            if let Some(id) = seen {
                let a = api.hq_see_audit_alarm(id)?;
                say(format!("第 {} 号告警已标记为已处理：{}：{}", a.id, a.post_name, a.message));
            } else {
                let alarms = api.hq_audit_alarms(all)?;
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
            let rows = api.sync_refusals(limit)?;
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
        Command::Assignments { json } => {
            let all = api.hq_assignments()?;
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
        Command::Serve { listen } => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(&listen).await?;
                say(format!("县局同步服务已启动：http://{}", listener.local_addr()?));
                fengqiao_hq::run(listener, api, async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
            })?;
        }
    }
    Ok(())
}
