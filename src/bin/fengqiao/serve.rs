//! `fengqiao serve`: the post's desk in the system's browser, for systems whose WebKitGTK
//! the desktop app cannot use (银河麒麟 V10, older 统信 UOS). The same built UI, the same
//! api: every call goes to `Api::call` as it does from the desktop app, so the login, the
//! permission gate, the audit log and the idle timeout are the core's, unchanged.
//!
//! The server listens on 127.0.0.1 only, on a free port, and answers only the browser it
//! opened: the URL carries a one-time token traded for an HttpOnly session cookie
//! (`fengqiao_web::launch_guard`); any request without it, or addressed to another host
//! name, is refused. Files the core writes (PDFs, ledgers) come back as downloads through
//! `fengqiao-web`'s export route; what needs a file or folder of this computer picked in a
//! dialog (restoring a backup, importing a roster or a USB bundle) stays with the CLI.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use fengqiao::Error;
use fengqiao::api::Api;
use fengqiao::desk::{Desk, Reply, to_value};
use fengqiao::error::ErrorReply;
use fengqiao::store::lock::DbLock;
use fengqiao_web::{Gate, Launch, Login, Refused};
use serde_json::Value;

/// The built UI's page.
const PAGE: &str = "index.html";

/// The post's desk as `fengqiao-web`'s [`Gate`], for the one browser of this launch.
struct PostGate {
    desk: Mutex<Desk>,
    launch: Arc<Launch>,
}

/// The core's error as the page receives it.
fn refused(e: ErrorReply) -> Refused {
    Refused { code: e.code.into(), reply: serde_json::to_value(e).unwrap_or(Value::Null) }
}

impl PostGate {
    fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the desktop app's commands do, by the same names: `call`'s methods, and the
    /// first-run screen's `create_admin` and `demo`, `db_info`, `methods`.
    fn run(&self, method: &str, params: Value) -> Reply<Value> {
        let mut desk = self.desk();
        let text = |k: &str| params.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        match method {
            "methods" => to_value(Api::methods()),
            "create_admin" => to_value(desk.create_admin(&text("login"), &text("password"))?),
            "db_info" => to_value(desk.db_info()?),
            "demo" => {
                let households = params.get("households").and_then(Value::as_u64).unwrap_or(500) as usize;
                to_value(desk.demo(households)?)
            }
            _ => desk.call(method, params),
        }
    }
}

impl Gate for PostGate {
    /// The desk logs in with `session.login` through `call`, as in the desktop app; the
    /// session cookie comes only from the launch's link.
    fn login(&self, _params: Value) -> Result<Login, Refused> {
        Err(Refused::new("forbidden", "请在本页的登录框中登录"))
    }

    fn call(&self, token: &str, method: &str, params: Value) -> Result<Value, Refused> {
        if !self.launch.is_session(token) {
            return Err(Refused::new("unauthenticated", "请从启动时打开的链接进入"));
        }
        self.run(method, params).map_err(refused)
    }

    fn logout(&self, _token: &str) {}
}

/// The built UI: `--ui-dir`, else beside the program (`ui/`), else where a package puts it
/// (`../share/fengqiao/ui`).
fn ui_dir(told: Option<PathBuf>) -> Result<PathBuf, Error> {
    let mut dirs: Vec<PathBuf> = told.into_iter().collect();
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        dirs.push(dir.join("ui"));
        if let Some(prefix) = dir.parent() {
            dirs.push(prefix.join("share").join(fengqiao::docs::font::SHARE_DIR).join("ui"));
        }
    }
    dirs.iter().find(|d| d.join(PAGE).is_file()).cloned().ok_or_else(|| {
        let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        Error::validation(
            "ui_dir",
            format!("找不到网页文件（{PAGE}），已查找：{}；可用 --ui-dir 指定", looked.join("、")),
        )
    })
}

/// A random secret, hex.
fn secret() -> Result<String, Error> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}"))))?;
    Ok(hex::encode(b))
}

/// Serves the desk for the database at `path` until Ctrl+C (or SIGTERM/SIGHUP).
pub fn run(path: &Path, ui: Option<PathBuf>, browser: bool, say: impl Fn(String)) -> Result<(), Error> {
    let dir = ui_dir(ui)?;
    let _held = DbLock::acquire(path)?;
    let desk = Desk::try_open(path)?;
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Error::rule(format!("无法在 127.0.0.1 上监听：{e}")))?;
    listener.set_nonblocking(true)?;
    let addr: SocketAddr = listener.local_addr()?;
    let launch = Arc::new(Launch::new(secret()?, secret()?, addr.to_string()));
    let gate = Arc::new(PostGate { desk: Mutex::new(desk), launch: launch.clone() });
    // Exports are written here by the core, sent, and removed at once.
    let exports = tempfile::Builder::new().prefix("fengqiao-serve-").tempdir()?;
    let options = fengqiao_web::Options { tls: false, export_dir: exports.path().to_path_buf() };
    let guard = launch.clone();
    let app = fengqiao_web::api(gate.clone(), options)
        .merge(fengqiao_web::console(&dir, PAGE))
        .layer(axum::middleware::from_fn(move |req, next| fengqiao_web::launch_guard(guard.clone(), req, next)))
        .layer(axum::middleware::from_fn(|req, next| fengqiao_web::security_headers(false, req, next)));

    say(format!("枫桥警务台账（浏览器版）已启动，只供本机访问：{}", launch.url()));
    say(format!("数据库：{}", path.display()));
    say(format!("网页文件：{}", dir.display()));
    match fengqiao::docs::font::found_dir() {
        Ok(d) => say(format!("文书字体：{}", d.display())),
        Err(e) => say(format!("打印（PDF）暂不可用：{e}")),
    }
    say("按 Ctrl+C 停止服务（关闭浏览器不会停止它）".into());
    if browser {
        // Detached: some browsers, started fresh, keep the opener waiting until they exit.
        if let Err(e) = open::that_detached(launch.url()) {
            say(format!("无法打开浏览器（{e}）：请复制上面的链接到浏览器中打开"));
        }
    }

    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app).with_graceful_shutdown(stop_signal()).await
    })?;
    drop(rt);
    // The WAL checkpointed into the file, then the lock let go (`_held`).
    gate.desk().close("服务正在退出")?;
    say("服务已停止".into());
    Ok(())
}

/// Ctrl+C, or SIGTERM (logout, shutdown) or SIGHUP (the terminal closed).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
