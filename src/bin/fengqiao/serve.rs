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
use fengqiao::api::{Api, LoginRequest, SessionInfo};
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::SystemClock;
use fengqiao::store::keys;
use fengqiao::store::lock::DbLock;
use fengqiao_web::{Gate, Launch, Login, Refused};
use serde_json::Value;

/// The seed of the demo data the first-run screen imports (as the desktop app's).
const DEMO_SEED: u64 = 1;

/// The built UI's page.
const PAGE: &str = "index.html";

/// Where the database stands.
enum State {
    /// Open: in setup mode, or secured with or without a live session.
    Open(Box<Api>),
    /// Encrypted and not yet unlocked: the first `session.login` opens it.
    Locked(PathBuf),
    /// Closed as the server stops.
    Closed,
}

/// The post's api as `fengqiao-web`'s [`Gate`], for the one browser of this launch.
struct PostGate {
    state: Mutex<State>,
    launch: Arc<Launch>,
}

/// The core's error as the page receives it.
fn refused(e: Error) -> Refused {
    Refused { code: e.code().into(), reply: serde_json::to_value(e.to_reply()).unwrap_or(Value::Null) }
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::BadRequest(format!("无法转换结果：{e}")))
}

impl PostGate {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the desktop app's commands do, by the same names: `call`'s methods, and the
    /// first-run screen's `create_admin` and `demo`, `db_info`, `methods`.
    fn run(&self, method: &str, params: Value) -> Result<Value, Error> {
        let mut state = self.state();
        match method {
            "methods" => return to_value(Api::methods()),
            "create_admin" => return create_admin(&mut state, params),
            _ => {}
        }
        match &mut *state {
            State::Open(api) => match method {
                "db_info" => to_value(api.db_info()?),
                "demo" => {
                    let households = params.get("households").and_then(Value::as_u64).unwrap_or(500) as usize;
                    to_value(api.guarded("demo.generate", |api| {
                        demo::generate_fresh(api, DemoOptions { households, seed: DEMO_SEED })
                    })?)
                }
                _ => api.call(method, params),
            },
            State::Locked(path) => match method {
                "session.current" => to_value(SessionInfo::logged_out()),
                "session.login" => {
                    let req: LoginRequest =
                        serde_json::from_value(params).map_err(|e| Error::BadRequest(format!("登录请求有误：{e}")))?;
                    let clock = Api::clock_for(path)?;
                    let mut api = Api::open_as(path, clock, &req.login, &req.password)?;
                    let info = api.session_current()?;
                    *state = State::Open(Box::new(api));
                    to_value(info)
                }
                _ => Err(Error::unauthenticated("请先登录")),
            },
            State::Closed => Err(Error::rule("服务正在退出")),
        }
    }
}

/// First run: the station admin, and the database encrypted (setup mode only).
fn create_admin(state: &mut State, params: Value) -> Result<Value, Error> {
    let field = |k: &str| params.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (login, password) = (field("login"), field("password"));
    let path = match &*state {
        State::Open(api) if !api.is_secured() => api.store().path().to_path_buf(),
        _ => return Err(Error::rule("数据库已设置管理员，请登录")),
    };
    // The plain file is encrypted in place, so its connection is closed first.
    *state = State::Locked(path.clone());
    match Api::create_admin(&path, Arc::new(SystemClock), &login, &password) {
        Ok(mut admin) => {
            let info = admin.session_current()?;
            *state = State::Open(Box::new(admin));
            to_value(info)
        }
        Err(e) => {
            // Nothing changed: the plain file as it was.
            *state = State::Open(Box::new(Api::open(&path, Api::clock_for(&path)?)?));
            Err(e)
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
    let state = if keys::path_for(path).exists() {
        State::Locked(path.to_path_buf())
    } else {
        State::Open(Box::new(Api::open(path, Api::clock_for(path)?)?))
    };
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Error::rule(format!("无法在 127.0.0.1 上监听：{e}")))?;
    listener.set_nonblocking(true)?;
    let addr: SocketAddr = listener.local_addr()?;
    let launch = Arc::new(Launch::new(secret()?, secret()?, addr.to_string()));
    let gate = Arc::new(PostGate { state: Mutex::new(state), launch: launch.clone() });
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
    if let State::Open(api) = std::mem::replace(&mut *gate.state(), State::Closed) {
        api.close()?;
    }
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
