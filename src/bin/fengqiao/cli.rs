//! The command line as clap reads it: the global options and every subcommand with its
//! arguments and help (in Chinese).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "fengqiao", version, about = "枫桥警务台账：警务室台账的命令行工具")]
pub(super) struct Cli {
    /// 数据库文件（默认在用户数据目录；也可用环境变量 FENGQIAO_DB 指定）
    #[arg(long, global = true, env = "FENGQIAO_DB")]
    pub(super) db: Option<PathBuf>,
    /// 以 JSON 输出结果（出错时输出 {code, message, field}）
    #[arg(long, global = true)]
    pub(super) json: bool,
    /// 登录用户名（数据库已加密时必填；密码取自环境变量 FENGQIAO_PASSWORD，未设置则提示输入）
    #[arg(long, global = true, env = "FENGQIAO_USER")]
    pub(super) user: Option<String>,
    /// 输出文件已存在时替换它（默认拒绝覆盖）
    #[arg(long, global = true)]
    pub(super) overwrite: bool,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand)]
pub(super) enum Command {
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
pub(super) enum AuditCommand {
    /// 校验审计日志的哈希链，指出第一条被改动或删除的记录
    Verify,
}

#[derive(Subcommand)]
pub(super) enum EnrollStep {
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
pub(super) enum BundleAction {
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
pub(super) enum ConflictAction {
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
