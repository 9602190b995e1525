//! The core's error type: variants a caller can act on, each with a Chinese message a user
//! can read. The UI and the CLI receive it as [`ErrorReply`] (`{code, message, field?}`).

use serde::Serialize;
use uuid::Uuid;

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A required field that an agreement still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingField {
    /// The field's identifier, e.g. `parties[0].id_number`.
    pub field: String,
    /// What the user sees, e.g. `当事人“张三”的公民身份号码`.
    pub label: String,
}

/// Everything the core can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user entered is not acceptable; `field` names it.
    #[error("{message}")]
    Validation {
        /// The request field at fault (snake_case, as in the api).
        field: String,
        /// Chinese message naming the field and what is wrong.
        message: String,
    },
    /// The value would duplicate one that must be unique (e.g. an ID number).
    #[error("{message}")]
    Duplicate {
        /// The request field at fault.
        field: String,
        /// Chinese message naming the existing record.
        message: String,
        /// Id of the existing record.
        existing_id: String,
    },
    /// A referenced record does not exist (or was deleted).
    #[error("{message}")]
    NotFound {
        /// Chinese message naming what was looked for.
        message: String,
    },
    /// A rule of the work forbids this step (an illegal transition, a 治安调解 rule…).
    #[error("{message}")]
    Rule {
        /// Chinese message giving the rule.
        message: String,
    },
    /// An agreement cannot be finalised: every missing field is listed.
    #[error("{message}")]
    Incomplete {
        /// Chinese message listing every missing field.
        message: String,
        /// The missing fields.
        missing: Vec<MissingField>,
    },
    /// The database file was written by a newer version of the software.
    #[error(
        "数据库文件由较新版本的枫桥警务台账写入（结构版本 {found}），本程序最高支持版本 {supported}，请先升级软件；文件未做任何改动"
    )]
    NewerDatabase {
        /// Schema version found in the file.
        found: i64,
        /// Highest schema version this build knows.
        supported: i64,
    },
    /// No one is logged in, the session timed out, or the name or password is wrong.
    #[error("{message}")]
    Unauthenticated {
        /// Chinese message saying what to do (log in again, wait for a lock to expire…).
        message: String,
    },
    /// The logged-in user's role may not do this.
    #[error("{message}")]
    Forbidden {
        /// Chinese message naming the action and the roles that may do it.
        message: String,
    },
    /// Another process has the post's database open (see `store::lock`); nothing was read
    /// or changed.
    #[error("{message}")]
    InUse {
        /// Chinese message naming the database and, when known, the program holding it.
        message: String,
    },
    /// The user must change an initial or reset password before doing anything else.
    #[error("请先修改初始密码（管理员设置或重置的密码只能用于首次登录）")]
    PasswordChangeRequired,
    /// The audit log's hash chain is broken: an entry was edited or removed.
    #[error("审计日志第 {seq} 条起校验失败：{reason}")]
    AuditBroken {
        /// The first entry whose check fails.
        seq: i64,
        /// What is wrong, in Chinese.
        reason: String,
    },
    /// The method named in a call does not exist.
    #[error("没有名为“{0}”的接口方法")]
    UnknownMethod(String),
    /// The request's parameters could not be read.
    #[error("请求参数有误：{0}")]
    BadRequest(String),
    /// A sync bundle was refused; nothing of it was applied.
    #[error("{0}")]
    Bundle(#[from] BundleError),
    /// SQLite failed.
    #[error("数据库错误：{0}")]
    Storage(rusqlite::Error),
    /// A file could not be read or written.
    #[error("文件读写失败：{0}")]
    Io(std::io::Error),
    /// The disk (or the USB stick) being written is full. What was being written was
    /// abandoned whole: SQLite rolled the transaction back, a file being made was never put
    /// in place under its name.
    #[error("磁盘空间已满，本次操作没有完成，已有的数据没有改动；请腾出空间（或换一个有空余空间的 U 盘）后重试")]
    DiskFull,
    /// The county HQ server could not be reached (or broke off the exchange).
    #[error("{message}")]
    Network {
        /// Chinese message naming the address and what failed.
        message: String,
    },
    /// This node's clock is too far from HQ's, or from what it has already recorded: nothing
    /// was written or imported. The message says by how much and what to do.
    #[error("{message}")]
    Clock {
        /// Chinese message: which way the clock is off, by how much, what to do.
        message: String,
    },
    /// A document (PDF, spreadsheet) could not be made or read: a missing font, a
    /// spreadsheet that is not one.
    #[error("{message}")]
    Document {
        /// Chinese message saying what failed and what to do.
        message: String,
    },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Storage(e),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => Error::DiskFull,
            _ => Error::Io(e),
        }
    }
}

impl Error {
    /// A validation error on `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), message: message.into() }
    }

    /// A rule refusal.
    pub fn rule(message: impl Into<String>) -> Self {
        Error::Rule { message: message.into() }
    }

    /// A not-found error for a record of kind `what` (Chinese noun) with `id`.
    pub fn not_found(what: &str, id: &str) -> Self {
        Error::NotFound { message: format!("找不到{what}（{id}），可能已被删除") }
    }

    /// Not logged in (or the session ended), with `message` saying why.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Error::Unauthenticated { message: message.into() }
    }

    /// A stable, machine-readable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation",
            Error::Duplicate { .. } => "duplicate",
            Error::NotFound { .. } => "not_found",
            Error::Rule { .. } => "rule",
            Error::Incomplete { .. } => "incomplete",
            Error::NewerDatabase { .. } => "newer_database",
            Error::Unauthenticated { .. } => "unauthenticated",
            Error::Forbidden { .. } => "forbidden",
            Error::InUse { .. } => "in_use",
            Error::PasswordChangeRequired => "password_change_required",
            Error::AuditBroken { .. } => "audit_broken",
            Error::UnknownMethod(_) => "unknown_method",
            Error::BadRequest(_) => "bad_request",
            Error::Bundle(e) => e.code(),
            Error::Storage(_) => "storage",
            Error::Io(_) => "io",
            Error::DiskFull => "disk_full",
            Error::Network { .. } => "network",
            Error::Clock { .. } => "clock",
            Error::Document { .. } => "document",
        }
    }

    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } | Error::Duplicate { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The shape the UI and `--json` callers receive.
    pub fn to_reply(&self) -> ErrorReply {
        ErrorReply {
            code: self.code(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
            missing: match self {
                Error::Incomplete { missing, .. } => missing.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// An error as it crosses to the UI or a script: `{code, message, field?, missing?}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorReply {
    /// See [`Error::code`].
    pub code: &'static str,
    /// The Chinese message to show.
    pub message: String,
    /// The field to show it under.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub field: Option<String>,
    /// For `incomplete`: every missing field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<MissingField>>", optional))]
    pub missing: Vec<MissingField>,
}

/// Why a sync bundle was refused (the codec is [`crate::sync::bundle`]'s; the error lives
/// here with the others, below every layer). Nothing of a refused bundle is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The file is empty.
    #[error("同步包是空文件（0 字节），可能复制未完成；请重新导出")]
    Empty,
    /// The bytes are not a bundle at all.
    #[error("这不是枫桥同步包（文件开头不对），请确认选择的是 .fqsync 文件")]
    NotABundle,
    /// The file ends before the header says it should.
    #[error("同步包不完整（应有 {expected} 字节，实际只有 {found} 字节），可能复制中断；请重新导出")]
    Truncated {
        /// Bytes the header announces.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// Written by a newer version of the software.
    #[error("同步包格式版本 {found} 比本程序支持的版本 {supported} 新，请先升级软件")]
    FutureVersion {
        /// Version in the file.
        found: u32,
        /// Highest version this build reads.
        supported: u32,
    },
    /// A crypto suite this build does not know.
    #[error("同步包使用了不支持的密码套件“{0}”")]
    UnknownSuite(String),
    /// Addressed to another node.
    #[error("这个同步包是发给另一个节点（{to}）的，不是本机（{me}）；请确认没有拿错 U 盘上的文件")]
    ForeignRecipient {
        /// The addressee.
        to: Uuid,
        /// This node.
        me: Uuid,
    },
    /// From a node this one has not enrolled.
    #[error("同步包来自未登记的节点（{0}），请先完成登记（enroll）")]
    UnknownSender(Uuid),
    /// Altered after it was signed (or signed by someone else).
    #[error("同步包已被篡改或损坏（{0}），已拒绝导入")]
    Tampered(&'static str),
    /// Older than the last bundle accepted from its sender: everything in it came in that
    /// later bundle (bundles are cumulative), so it brings nothing; a new one is needed.
    #[error(
        "来自“{from}”的第 {counter} 号同步包是旧包：本机已导入该节点更新的第 {last} 号包，其中的内容都已收到，本次未做任何改动。{advice}"
    )]
    Stale {
        /// The sender, by the name it enrolled with.
        from: String,
        /// The bundle's number.
        counter: i64,
        /// The last number accepted from that sender.
        last: i64,
        /// What to do, for whoever holds the file (HQ's officer or the post's).
        advice: &'static str,
    },
    /// The number of the last bundle accepted from its sender, on different content: the
    /// sender lost what it had when it made that bundle (an older backup restored).
    #[error(
        "来自“{from}”的第 {counter} 号同步包与本机已导入的同号同步包内容不同（对方可能恢复了旧备份），已拒绝导入，本机未做任何改动；请联系县局处理"
    )]
    Reused {
        /// The sender, by the name it enrolled with.
        from: String,
        /// The bundle's number.
        counter: i64,
    },
    /// Signed correctly but its content cannot be read (a bug in the sender).
    #[error("同步包内容无法解析：{0}")]
    Malformed(String),
    /// A stored public key is damaged.
    #[error("登记的对方公钥已损坏，请重新登记")]
    BadKey,
    /// No enrolled peer to make a bundle for.
    #[error("尚未登记对方节点（{0}），无法生成同步包；请先完成登记（enroll）")]
    NotEnrolled(String),
}

impl BundleError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::Empty => "bundle_empty",
            BundleError::NotABundle => "bundle_not_a_bundle",
            BundleError::Truncated { .. } => "bundle_truncated",
            BundleError::FutureVersion { .. } => "bundle_future_version",
            BundleError::UnknownSuite(_) => "bundle_unknown_suite",
            BundleError::ForeignRecipient { .. } => "bundle_foreign_recipient",
            BundleError::UnknownSender(_) => "bundle_unknown_sender",
            BundleError::Tampered(_) => "bundle_tampered",
            BundleError::Stale { .. } => "bundle_stale",
            BundleError::Reused { .. } => "bundle_reused",
            BundleError::Malformed(_) => "bundle_malformed",
            BundleError::BadKey => "bundle_bad_key",
            BundleError::NotEnrolled(_) => "bundle_not_enrolled",
        }
    }
}
