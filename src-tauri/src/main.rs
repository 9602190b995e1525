//! The desktop shell of Fengqiao Desk: a Tauri window over the core's api.
//!
//! Every command is a thin async wrapper over the core's desk (`fengqiao::desk`, shared with
//! `fengqiao serve`): it takes the desk (one SQLite connection behind a mutex), runs one of
//! its functions on a blocking thread so the window never waits on SQLite, and returns the
//! core's error as `{code, message, field?, missing?}`. No business rule lives here; the UI
//! reaches these commands only through `ui/src/backend/`.
//!
//! An encrypted database (its key file beside it) starts locked: the login screen's
//! `session.login` opens it, and from then on the core's own sessions, idle timeout and
//! permission gate apply to every call.
//!
//! One process works on the database: a second start of the app hands over to the running
//! one, whose window comes to the front (tauri-plugin-single-instance), and the process
//! holds the database's lock (`fengqiao::store::lock`) from start to exit, through every
//! reopening (first admin, restore, login), so no other program opens it meanwhile, even
//! after a file dialog has made SQLite's own locks go. When the app exits, by its window
//! or by SIGTERM, SIGINT or SIGHUP, it closes the database, checkpointing the WAL into it.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use fengqiao::api::{Api, DbInfo, MethodInfo};
use fengqiao::demo::DemoSummary;
use fengqiao::desk::{Desk, internal, to_value};
use fengqiao::error::ErrorReply;
use fengqiao::store::Store;
use fengqiao::store::lock::DbLock;
use serde_json::Value;
use tauri::Manager;

/// The app's desk, behind one mutex (SQLite work runs off the UI thread).
struct Shared(Arc<Mutex<Desk>>);

/// The process's hold on the database, from start to exit (`None` when it could not be had).
struct Held(Mutex<Option<DbLock>>);

/// Runs `f` on the desk off the UI thread.
async fn with_desk<T: Send + 'static>(
    shared: &Shared,
    f: impl FnOnce(&mut Desk) -> Result<T, ErrorReply> + Send + 'static,
) -> Result<T, ErrorReply> {
    let desk = shared.0.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut desk = desk.lock().map_err(|_| internal("数据库连接在一次失败的操作后不可用，请重启程序"))?;
        f(&mut desk)
    })
    .await
    .map_err(|e| internal(format!("后台任务异常结束：{e}")))?
}

/// Runs any api method by name with JSON parameters. While the encrypted database is still
/// locked, `session.current` says so and `session.login` unlocks it (`Api::open_as`);
/// everything else asks for a login.
#[tauri::command]
async fn call(shared: tauri::State<'_, Shared>, method: String, params: Value) -> Result<Value, ErrorReply> {
    with_desk(&shared, move |desk| desk.call(&method, params)).await
}

/// First run: creates the station admin and encrypts the database (`Api::create_admin`),
/// which is only possible while it is in setup mode. Returns the admin's session.
#[tauri::command]
async fn create_admin(shared: tauri::State<'_, Shared>, login: String, password: String) -> Result<Value, ErrorReply> {
    with_desk(&shared, move |desk| to_value(desk.create_admin(&login, &password)?)).await
}

/// Restores a backup (its path from the open dialog) over the open database: in setup mode
/// or for the logged-in station admin. On success the restored database is open and logged
/// in; on failure the old one is reopened unchanged, or locked for a login when it cannot be.
#[tauri::command]
async fn restore(
    shared: tauri::State<'_, Shared>,
    file: String,
    login: String,
    password: String,
) -> Result<Value, ErrorReply> {
    with_desk(&shared, move |desk| to_value(desk.restore(Path::new(&file), &login, &password)?)).await
}

/// When the process started, for the cold-start figure.
struct Started(std::time::Instant);

/// The UI calls this once, when its first screen (login, first run or home) is on display.
/// With `FENGQIAO_STARTUP_TIMING` set, the shell prints the milliseconds since the process
/// started to standard error (`scripts/bench-app.sh` reads it for BENCHMARKS.md).
#[tauri::command]
fn first_screen(started: tauri::State<'_, Started>) {
    if std::env::var_os("FENGQIAO_STARTUP_TIMING").is_some() {
        eprintln!("first_screen_ms={}", started.0.elapsed().as_millis());
    }
}

/// Every api method with its parameters' JSON Schema.
#[tauri::command]
async fn methods() -> Vec<MethodInfo> {
    Api::methods()
}

/// Fills an empty database with the demo post (admitted and audited as `demo.generate`).
#[tauri::command]
async fn demo(shared: tauri::State<'_, Shared>, households: usize) -> Result<DemoSummary, ErrorReply> {
    with_desk(&shared, move |desk| desk.demo(households)).await
}

/// Where the data lives, schema and software versions.
#[tauri::command]
async fn db_info(shared: tauri::State<'_, Shared>) -> Result<DbInfo, ErrorReply> {
    with_desk(&shared, |desk| desk.db_info()).await
}

/// Opens the database in the per-user data directory, or at `FENGQIAO_DB`: an encrypted
/// one (its key file beside it) waits locked for a login. The lock returned is the
/// process's hold on the database, kept until it exits; one another program holds is
/// refused (the window says which program).
fn open() -> (Desk, Option<DbLock>) {
    let path = match std::env::var_os("FENGQIAO_DB") {
        Some(p) => PathBuf::from(p),
        None => match Store::default_path() {
            Ok(p) => p,
            Err(e) => return (Desk::Failed(e.to_reply()), None),
        },
    };
    match DbLock::acquire(&path) {
        Ok(held) => (Desk::open(&path), Some(held)),
        Err(e) => (Desk::Failed(e.to_reply()), None),
    }
}

/// Closes the database as the app exits: waits for a command still running, checkpoints
/// the WAL into the file and closes it, then lets go of the database.
fn close(shared: &Shared, held: &Held) {
    let mut desk = shared.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(e) = desk.close("程序正在退出") {
        eprintln!("错误：关闭数据库时出错：{e}");
    }
    drop(held.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
}

/// Asks the app to exit, as closing its window does, on SIGTERM (a logout or shutdown),
/// SIGINT (Ctrl+C in a terminal) or SIGHUP (the terminal closed).
#[cfg(unix)]
async fn exit_on_signal(app: tauri::AppHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) =
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
    else {
        eprintln!("错误：无法接管退出信号，被终止时数据库不会先关闭");
        return;
    };
    std::future::poll_fn(|cx| {
        if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() || hup.poll_recv(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    app.exit(0);
}

/// Settings of the WebKitGTK web view that keep the app's memory down (BENCHMARKS.md has what
/// each one does to the idle figures). Linux only: Windows runs WebView2.
///
/// - Hardware acceleration off (`HardwareAccelerationPolicy::Never`): with WebKit's default
///   (on demand) the page is composited with OpenGL through DMA-BUF buffers, which on a
///   machine without a usable GPU driver (a virtual machine, Xvfb, many 信创 desktops) is
///   Mesa's software rasteriser and adds about 110 MB to the web process for a screen of
///   forms and tables that gains nothing from it. Software painting is also the mode that
///   works on every driver. A user who sets `WEBKIT_DISABLE_COMPOSITING_MODE` (to 0, to
///   keep WebKit's own choice) decides instead.
/// - Cache model "document viewer": the app is one page that never navigates, so WebKit's
///   back-forward page cache and its in-memory cache of loaded resources sized for a web
///   browser are of no use to it.
#[cfg(target_os = "linux")]
fn tune_webview(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
    let view = webview.inner();
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && let Some(settings) = WebViewExt::settings(&view)
    {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
    if let Some(context) = view.context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
}

fn main() {
    let started = Started(std::time::Instant::now());
    let app = tauri::Builder::default()
        // First: a second start hands over to the running app and exits before the rest.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(started)
        .invoke_handler(tauri::generate_handler![call, create_admin, restore, methods, demo, db_info, first_screen])
        .setup(|app| {
            // After the single-instance check, so a second start never touches the database.
            let (desk, held) = open();
            if let Desk::Failed(e) = &desk {
                eprintln!("错误：{}", e.message);
            }
            app.manage(Shared(Arc::new(Mutex::new(desk))));
            app.manage(Held(Mutex::new(held)));
            #[cfg(unix)]
            tauri::async_runtime::spawn(exit_on_signal(app.handle().clone()));
            // The documents' fonts are the package's resources (bundle.resources in
            // tauri.conf.json): /usr/lib/fengqiao-desk/fonts from the .deb, beside the
            // program from the Windows installers.
            if let Ok(resources) = app.path().resource_dir() {
                fengqiao::docs::font::set_dir(resources.join(fengqiao::docs::font::RESOURCE_SUBDIR));
            }
            #[cfg(target_os = "linux")]
            for window in app.webview_windows().into_values() {
                window.with_webview(tune_webview)?;
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let (Some(shared), Some(held)) = (app.try_state::<Shared>(), app.try_state::<Held>())
            {
                close(&shared, &held);
            }
        }),
        Err(e) => {
            eprintln!("错误：无法启动窗口：{e}");
            std::process::exit(1);
        }
    }
}
