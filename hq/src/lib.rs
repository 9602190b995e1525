//! `fengqiao-hq`: the county HQ's sync server, as a library (so tests start the real
//! server on port 0) with a thin binary around it.
//!
//! HQ is a node like a post: its own SQLite file, opened through the core's [`Api`]. This
//! crate only moves bytes; every rule (what a post may see, merging, refusing bad bundles)
//! is in the core's `sync` module.
//!
//! Routes:
//! - `POST /sync`: a post's bundle in, HQ's reply bundle out (the same bytes as on USB).
//!   A refused bundle gets `400` with the Chinese reason as plain text. Rows of an accepted
//!   bundle that HQ did not take (outside the post's jurisdiction, stamped too far ahead)
//!   are reported in the reply and listed on the status page.
//! - `POST /enroll`: a post's enrollment request MACed with a one-time code issued here
//!   (`fengqiao-hq enroll-code`); HQ's reply MACed with the same code. A refusal (wrong,
//!   used or expired code) gets `400` with the Chinese reason, and nothing is recorded.
//!   At most [`ENROLL_PER_WINDOW`] requests per remote address in [`ENROLL_WINDOW`]; more
//!   get `429`.
//!
//! Every refused `/sync` and `/enroll` request, and every bundle with rows left out, is
//! logged to standard error (one line: time, route, remote address, reason), where the
//! service manager (systemd's journal) keeps it.
//! - `GET /health`: `ok`.
//! - `GET /`: the status page (posts, last sync, pending changes, open conflicts) with the
//!   relay form: the station's browser uploads a post's bundle from a USB stick and saves
//!   HQ's reply back onto it. The bundle stays sealed end to end; the page only relays.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fengqiao::Error;
use fengqiao::api::Api;
use fengqiao::api::county::Unlock;
use fengqiao::model::time::SystemClock;
use fengqiao::model::time::show_stored;
use fengqiao::model::time::{Clock, SystemClock};

/// The largest bundle accepted over HTTP: a whole post's decade fits well below it.
pub const MAX_BUNDLE: usize = 1 << 30;

/// The largest enrollment request accepted: two public keys and a name.
pub const MAX_ENROLL: usize = 64 * 1024;

/// HQ's database inside its data directory.
pub fn db_path(data: &Path) -> std::path::PathBuf {
    data.join("hq.db")
}

/// Opens HQ's node in `data` (with the system clock), unencrypted (setup mode, before
/// `fengqiao-hq init --admin`) and shared: a running `serve` and a `bundle import` from the
/// command line work on the same file, under SQLite's locks.
pub fn open(data: &Path) -> Result<Api, Error> {
    Api::open_shared(&db_path(data), Arc::new(SystemClock))
}

/// Whether HQ's database in `data` is encrypted (it has its key file).
pub fn is_secured(data: &Path) -> bool {
    fengqiao::store::keys::path_for(&db_path(data)).exists()
}

/// Opens HQ's encrypted node in `data` for the server, with no one logged in, by the
/// service key file or the operator's passphrase.
pub fn open_unlocked(data: &Path, unlock: &Unlock) -> Result<Api, Error> {
    Api::open_service(&db_path(data), Arc::new(SystemClock), unlock)
}

type Shared = Arc<Mutex<Api>>;

/// How many persons' search entries HQ builds per hold of its lock.
const CATCH_UP_BATCH: usize = 2000;

fn routes(shared: Shared) -> Router {
    Router::new()
        .route("/sync", post(sync))
        .route("/enroll", post(enroll).layer(DefaultBodyLimit::max(MAX_ENROLL)))
        .route("/health", get(|| async { "ok" }))
        .route("/", get(status_page))
        .layer(DefaultBodyLimit::max(MAX_BUNDLE))
        .with_state(shared)
}

/// One line on standard error about a request HQ refused or only partly took.
fn log(route: &str, from: SocketAddr, what: &str) {
    let now = fengqiao::model::time::show(SystemClock.now());
    eprintln!("{now} {route} 来自 {from}：{what}");
}

/// Serves HQ on `listener` until `shutdown` completes.
pub async fn run(
    listener: tokio::net::TcpListener,
    api: Api,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = Shared {
        api: Arc::new(Mutex::new(api)),
        enroll_limit: Arc::new(Mutex::new(Limiter::new(ENROLL_PER_WINDOW, ENROLL_WINDOW))),
    };
    // Entries left queued by imports made from the command line.
    let queued = shared.api.clone();
    tokio::task::spawn_blocking(move || catch_up(&queued));
    axum::serve(listener, routes(shared).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Builds the search entries HQ deferred past its imports (see the core's
/// `store::search`), one batch per hold of the lock so that syncs do not wait behind it.
fn catch_up(api: &Arc<Mutex<Api>>) {
    loop {
        match lock(api).search_catch_up(CATCH_UP_BATCH) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("建立检索索引时出错（下次导入或检索时重试）：{e}");
                break;
            }
        }
    }
}

fn lock(api: &Arc<Mutex<Api>>) -> std::sync::MutexGuard<'_, Api> {
    // A panic while holding the lock leaves SQLite's transaction rolled back; the store
    // itself is still consistent, so carry on.
    api.lock().unwrap_or_else(|e| e.into_inner())
}

async fn sync(State(shared): State<Shared>, ConnectInfo(from): ConnectInfo<SocketAddr>, body: Bytes) -> Response {
    // SQLite work is blocking: keep it off the async workers.
    let api = shared.api.clone();
    let done = tokio::task::spawn_blocking(move || lock(&api).hq_exchange(&body)).await;
    let done = match done {
        Ok(Ok((report, reply))) => {
            if report.refused > 0 {
                let rows = report.refusals.iter().map(|r| format!("{}：{}", r.what(), r.reason)).collect::<Vec<_>>();
                log(
                    "/sync",
                    from,
                    &format!(
                        "警务室 {} 的第 {} 号同步包有 {} 行未采用：{}",
                        report.from,
                        report.counter,
                        report.refusals.len(),
                        rows.join("；")
                    ),
                );
            }
            // The post has its reply; the search entries of what it brought are built after.
            let queued = shared.api.clone();
            tokio::task::spawn_blocking(move || catch_up(&queued));
            Ok(Ok(reply))
        }
        Ok(Err(e)) => Ok(Err(e)),
        Err(e) => Err(e),
    };
    respond("/sync", from, done, "application/octet-stream")
}

async fn enroll(State(shared): State<Shared>, ConnectInfo(from): ConnectInfo<SocketAddr>, body: Bytes) -> Response {
    let limited = shared.enroll_limit.lock().unwrap_or_else(|e| e.into_inner()).admit(from.ip(), Instant::now());
    if let Err(wait) = limited {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let message = format!("登记请求过于频繁，请 {minutes} 分钟后再试");
        log("/enroll", from, &message);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                (header::RETRY_AFTER, wait.as_secs().max(1).to_string()),
            ],
            message,
        )
            .into_response();
    }
    let api = shared.api.clone();
    let done = tokio::task::spawn_blocking(move || lock(&api).hq_enroll_coded(&body)).await;
    respond("/enroll", from, done, "application/json")
}

fn respond(
    route: &str,
    from: SocketAddr,
    done: Result<Result<Vec<u8>, Error>, tokio::task::JoinError>,
    content_type: &'static str,
) -> Response {
    match done {
        Ok(Ok(reply)) => ([(header::CONTENT_TYPE, content_type)], reply).into_response(),
        Ok(Err(e)) => {
            log(route, from, &format!("已拒绝（{}）：{e}", e.code()));
            let status = match e {
                Error::Storage(_) | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e.to_string()).into_response()
        }
        Err(_) => {
            log(route, from, "处理中断，未做任何改动");
            (StatusCode::INTERNAL_SERVER_ERROR, "处理中断，未做任何改动").into_response()
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn status_page(State(shared): State<Shared>) -> Response {
    let api = shared.api.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut api = lock(&api);
        Ok::<_, fengqiao::Error>((api.sync_status()?, api.hq_assignments()?))
    })
    .await;
    let (status, assignments) = match done {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let rows: String = status
        .peers
        .iter()
        .map(|p| {
            format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.name),
                esc(&p.node_id),
                esc(&p.villages.join("、")),
                esc(&p.last_sync_at.as_deref().map_or("从未同步".to_owned(), show_stored)),
                p.pending
            )
        })
        .collect();
    let alarms: String = if status.audit_alarms.is_empty() {
        "<p id=\"audit-alarms\">各警务室的审计日志与县局留存的锚点一致。</p>".to_owned()
    } else {
        let items: String = status
            .audit_alarms
            .iter()
            .map(|a| {
                format!(
                    "<li>第 {} 号 · {}（{}）：{}</li>",
                    a.id,
                    esc(&a.post_name),
                    esc(&show_stored(&a.detected_at)),
                    esc(&a.message)
                )
            })
            .collect();
        format!(
            "<ul id=\"audit-alarms\" style=\"color:#b00\">{items}</ul>\
             <p>查明原因后（例如警务室恢复了备份），在县局服务器上运行 \
             <code>fengqiao-hq alarms --seen 编号</code> 标记为已处理。</p>"
        )
    };
    let refused = if status.refusals.is_empty() {
        "<p id=\"refusals\">各警务室送来的变更都已采用。</p>".to_owned()
    } else {
        let rows: String = status
            .refusals
            .iter()
            .map(|r| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>第 {} 号</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&show_stored(&r.refused_at)),
                    esc(&r.post_name),
                    r.counter,
                    esc(&r.what()),
                    r.changes,
                    esc(&r.reason)
                )
            })
            .collect();
        format!(
            "<table id=\"refusals\"><tr><th>时间</th><th>警务室</th><th>同步包</th><th>记录</th><th>变更数</th><th>原因</th></tr>{rows}</table>\
             <p>这些行没有采用，也不会转给其他警务室；警务室下次同步时会收到说明。全部记录：<code>fengqiao-hq refusals</code>。</p>"
        )
    };
    let assigned = if assignments.is_empty() {
        "<p id=\"assignments\">还没有指派。</p>".to_owned()
    } else {
        let rows: String = assignments
            .iter()
            .map(|a| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&show_stored(&a.assigned_at)),
                    esc(&a.post_name),
                    esc(&a.what()),
                    a.state(),
                    esc(a.note.as_deref().unwrap_or_default())
                )
            })
            .collect();
        format!(
            "<table id=\"assignments\"><tr><th>指派时间</th><th>警务室</th><th>事项</th><th>状态</th><th>说明</th></tr>{rows}</table>\
             <p>在县局服务器上用 <code>fengqiao-hq assign</code> 指派、<code>fengqiao-hq unassign</code> 撤回。</p>"
        )
    };
    Html(format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name} · 枫桥同步</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px}}</style></head>
<body><h1>{name}</h1>
<p>本节点 <code>{node}</code>；本节点变更 {local} 条；未处理冲突 <b id="conflicts">{conflicts}</b> 条</p>
<h2>警务室</h2>
<table id="posts"><tr><th>名称</th><th>节点</th><th>辖区</th><th>上次同步</th><th>待发送变更</th></tr>{rows}</table>
<h2>指派</h2>
{assigned}
<h2>未采用的变更</h2>
{refused}
<h2>审计日志锚点</h2>
{alarms}
<h2>转交 U 盘同步包</h2>
<p>选择警务室带来的 .fqsync 文件，上传后浏览器会下载县局的回复包，请保存回 U 盘。同步包全程加密，本页只转交。</p>
<input type="file" id="bundle" accept=".fqsync"> <button id="send">上传并下载回复</button> <span id="result"></span>
<script>
document.getElementById('send').onclick = async () => {{
  const f = document.getElementById('bundle').files[0];
  const out = document.getElementById('result');
  if (!f) {{ out.textContent = '请先选择同步包文件'; return; }}
  out.textContent = '正在同步…';
  let r, blob;
  try {{
    r = await fetch('/sync', {{ method: 'POST', body: f }});
    if (!r.ok) {{ out.textContent = '被拒绝：' + await r.text(); return; }}
    blob = await r.blob();
  }} catch (e) {{
    out.textContent = '无法连接县局服务或读取文件，请检查网络后重试（' + e.message + '）';
    return;
  }}
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'reply-' + f.name;
  a.click();
  out.textContent = '完成：已下载回复包 ' + a.download;
}};
</script></body></html>"#,
        name = esc(&status.name),
        node = esc(&status.node_id),
        local = status.local_changes,
        conflicts = status.open_conflicts,
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enroll_limiter_counts_per_address_in_windows_and_stays_bounded() {
        let mut limit = Limiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let a = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            assert!(limit.admit(a, t0).is_ok());
        }
        assert_eq!(limit.admit(a, t0 + Duration::from_secs(20)), Err(Duration::from_secs(40)));
        assert!(limit.admit(IpAddr::from([10, 0, 0, 2]), t0).is_ok(), "another address has its own count");
        assert!(limit.admit(a, t0 + Duration::from_secs(60)).is_ok(), "a new window");
        let later = t0 + Duration::from_secs(61);
        for i in 0..(TRACKED_ADDRESSES as u32 + 10) {
            assert!(limit.admit(IpAddr::from(i.to_be_bytes()), later).is_ok());
        }
        assert!(limit.seen.len() <= TRACKED_ADDRESSES, "{}", limit.seen.len());
    }
}
