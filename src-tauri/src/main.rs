//! The desktop shell of Fengqiao Desk: a Tauri window over the core's api.
//!
//! Every command is a thin async wrapper: it takes the api (one SQLite connection behind a
//! mutex), runs one core function on a blocking thread so the window never waits on SQLite,
//! and maps the core's error to `{code, message, field?, missing?}`. No business rule lives
//! here; the UI reaches these commands only through `ui/src/backend/`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use fengqiao::api::{Api, DbInfo, MethodInfo};
use fengqiao::demo::{self, DemoOptions, DemoSummary};
use fengqiao::error::ErrorReply;
use fengqiao::model::time::{Clock, FixedClock, SystemClock, parse_instant};
use fengqiao::store::Store;
use serde_json::Value;

/// The seed of the demo data the first-run screen imports (the CLI's default too).
const DEMO_SEED: u64 = 1;

/// The api, or why the database could not be opened (shown by every command).
struct Desk(Result<Arc<Mutex<Api>>, ErrorReply>);

fn internal(message: impl Into<String>) -> ErrorReply {
    ErrorReply { code: "internal", message: message.into(), field: None, missing: Vec::new() }
}

/// Runs `f` on the api off the UI thread.
async fn with_api<T: Send + 'static>(
    desk: &Desk,
    f: impl FnOnce(&mut Api) -> fengqiao::Result<T> + Send + 'static,
) -> Result<T, ErrorReply> {
    let api = desk.0.clone()?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut api = api.lock().map_err(|_| internal("数据库连接在一次失败的操作后不可用，请重启程序"))?;
        f(&mut api).map_err(|e| e.to_reply())
    })
    .await
    .map_err(|e| internal(format!("后台任务异常结束：{e}")))?
}

/// Runs any api method by name with JSON parameters.
#[tauri::command]
async fn call(desk: tauri::State<'_, Desk>, method: String, params: Value) -> Result<Value, ErrorReply> {
    with_api(&desk, move |api| api.call(&method, params)).await
}

/// Every api method with its parameters' JSON Schema.
#[tauri::command]
async fn methods() -> Vec<MethodInfo> {
    Api::methods()
}

/// Fills an empty database with the demo post.
#[tauri::command]
async fn demo(desk: tauri::State<'_, Desk>, households: usize) -> Result<DemoSummary, ErrorReply> {
    with_api(&desk, move |api| demo::generate_fresh(api, DemoOptions { households, seed: DEMO_SEED })).await
}

/// Where the data lives, schema and software versions.
#[tauri::command]
async fn db_info(desk: tauri::State<'_, Desk>) -> Result<DbInfo, ErrorReply> {
    with_api(&desk, |api| api.db_info()).await
}

/// The system clock, unless `FENGQIAO_NOW` fixes it (tests and demonstrations), as in the CLI.
fn clock() -> Result<Arc<dyn Clock>, ErrorReply> {
    match std::env::var("FENGQIAO_NOW") {
        Ok(s) => match parse_instant(&s) {
            Some(t) => Ok(Arc::new(FixedClock::new(t))),
            None => Err(internal(format!("环境变量 FENGQIAO_NOW 的时间“{s}”无法识别"))),
        },
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// Opens the database in the per-user data directory, or at `FENGQIAO_DB`.
fn open() -> Result<Arc<Mutex<Api>>, ErrorReply> {
    let path = match std::env::var_os("FENGQIAO_DB") {
        Some(p) => PathBuf::from(p),
        None => Store::default_path().map_err(|e| e.to_reply())?,
    };
    let api = Api::open(&path, clock()?).map_err(|e| e.to_reply())?;
    Ok(Arc::new(Mutex::new(api)))
}

fn main() {
    let desk = Desk(open());
    if let Err(e) = &desk.0 {
        eprintln!("错误：{}", e.message);
    }
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(desk)
        .invoke_handler(tauri::generate_handler![call, methods, demo, db_info])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("错误：无法启动窗口：{e}");
        std::process::exit(1);
    }
}
