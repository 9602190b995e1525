//! `fengqiao-hq`: the county HQ's server, as a library (so tests start the real server on
//! port 0) with a thin binary around it.
//!
//! HQ is a node like a post: its own SQLite file, opened through the core's [`Api`]. This
//! crate only moves bytes; every rule (what a post may see, merging, refusing bad bundles,
//! who may see what in the console) is in the core.
//!
//! Routes:
//! - `POST /sync`: a post's bundle in, HQ's reply bundle out (the same bytes as on USB).
//!   The body streams to a temporary file under a size cap (`upload.rs`); one sync per post
//!   at a time. A refused bundle gets `4xx` with the Chinese reason as plain text, and
//!   nothing is changed. Rows of an accepted bundle that HQ did not take (outside the
//!   post's jurisdiction, stamped too far ahead) are reported in the reply and kept for
//!   `fengqiao-hq refusals`.
//! - `POST /enroll`: a post's enrollment request MACed with a one-time code issued here
//!   (`fengqiao-hq enroll-code`); HQ's reply MACed with the same code. A refusal (wrong,
//!   used or expired code) gets `400` with the Chinese reason, and nothing is recorded.
//!   At most [`ENROLL_PER_WINDOW`] requests per remote address in [`ENROLL_WINDOW`]; more
//!   get `429`.
//! - `GET /health`: `ok`.
//! - `GET /relay`: the relay page for USB bundles (open to station staff without a login;
//!   it shows nothing but the form): the station's browser uploads a post's bundle from a
//!   USB stick and saves HQ's reply back onto it. The bundle stays sealed end to end.
//! - `/api/…` and everything else: the county console (see `fengqiao-web`).
//!
//! Between requests, once HQ has had no write for the core's `ready::QUIET_FOR` (1 s), it
//! computes again the county's statistics, 督办 list and warnings that the console asked
//! for lately, one at a time (`Api::refresh_asked`), so that the next call finds them kept
//! instead of computing them while the user waits.
//!
//! Every refused `/sync` and `/enroll` request, and every bundle with rows left out, is
//! logged to standard error (one line: time, route, remote address, reason), where the
//! service manager (systemd's journal) keeps it.

mod gate;
pub mod tls;
mod upload;

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fengqiao::Error;
use fengqiao::api::Api;
use fengqiao::api::county::Unlock;
use fengqiao::api::county::ready::{self, Quiet};
use fengqiao::model::time::{Clock, SystemClock};

/// The largest bundle accepted over HTTP by default: a whole post's decade fits well below
/// it (`serve --max-bundle-mb` changes it).
pub const MAX_BUNDLE: u64 = 1 << 30;

/// The page cache HQ's database connection may take by default, in MB (`serve
/// --page-cache-mb` changes it): a county's month of statistics reads some hundreds of
/// megabytes of pages of a county-sized `hq.db` (100 posts, 525,000 people, p95: 0.60 s in
/// 64 MB, 0.36 s in 512 MB; a station leader's 1.78 and 0.64 s), and a post's first bundle is
/// taken in as much (the exchange's own figure before it was a setting). Taken only as pages
/// are read, on HQ's one connection (station leaders' scoped reads use it too).
pub const PAGE_CACHE_MB: u64 = 512;

/// The largest enrollment request accepted: two public keys and a name.
pub const MAX_ENROLL: u64 = 64 * 1024;

/// HQ's database inside its data directory.
pub fn db_path(data: &Path) -> PathBuf {
    data.join("hq.db")
}

/// Where uploads and exports wait on disk, inside the data directory (not `/tmp`, which
/// may be memory).
pub fn spool_dir(data: &Path) -> PathBuf {
    data.join("spool")
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

/// How many `/enroll` requests one remote address may make in [`ENROLL_WINDOW`]: enough
/// for an admin who mistypes the code a few times, far too few to matter to a guesser
/// (a code has 100 bits), and a bound on the work and log lines one address can cause.
pub const ENROLL_PER_WINDOW: u32 = 10;

/// The window of [`ENROLL_PER_WINDOW`].
pub const ENROLL_WINDOW: Duration = Duration::from_secs(10 * 60);

/// How many remote addresses the limiter remembers at once.
const TRACKED_ADDRESSES: usize = 4096;

/// Counts requests per remote address in fixed windows. Bounded: when full it forgets the
/// addresses whose window is over, then the one whose window began first. A small map
/// rather than a crate: per-address counting in windows is all `/enroll` needs.
#[derive(Debug)]
struct Limiter {
    per_window: u32,
    window: Duration,
    seen: HashMap<IpAddr, (Instant, u32)>,
}

impl Limiter {
    fn new(per_window: u32, window: Duration) -> Limiter {
        Limiter { per_window, window, seen: HashMap::new() }
    }

    /// Counts a request from `ip` at `now`; `Err` with how long until it may ask again.
    fn admit(&mut self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if !self.seen.contains_key(&ip) && self.seen.len() >= TRACKED_ADDRESSES {
            let window = self.window;
            self.seen.retain(|_, (start, _)| now.duration_since(*start) < window);
            if self.seen.len() >= TRACKED_ADDRESSES
                && let Some(oldest) = self.seen.iter().min_by_key(|(_, (start, _))| *start).map(|(ip, _)| *ip)
            {
                self.seen.remove(&oldest);
            }
        }
        let entry = self.seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_window {
            return Err(self.window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// How the server runs.
#[derive(Clone)]
pub struct Options {
    /// HTTPS: the certificate and key (`None`: plain HTTP).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// The largest bundle accepted.
    pub max_bundle: u64,
    /// Where uploads and exports are kept while handled (created and emptied at start).
    pub spool_dir: PathBuf,
    /// The built console (`index.html` and assets); without it `/` offers the relay page.
    pub console_dir: Option<PathBuf>,
    /// The certificate (DER) posts are told to pin when they enroll over the network.
    pub enroll_cert: Option<Vec<u8>>,
}

impl Options {
    /// Plain HTTP, the default cap, spooling beside `api`'s database, no console.
    pub fn plain(api: &Api) -> Options {
        let data = api.store().path().parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Options { tls: None, max_bundle: MAX_BUNDLE, spool_dir: spool_dir(&data), console_dir: None, enroll_cert: None }
    }
}

#[derive(Clone)]
struct AppState {
    api: Shared,
    options: Arc<Options>,
    in_flight: upload::InFlight,
    enroll_limit: Arc<Mutex<Limiter>>,
}

/// How many persons' search entries HQ builds per hold of its lock.
const CATCH_UP_BATCH: usize = 2000;

fn routes(state: AppState) -> Router {
    let tls = state.options.tls.is_some();
    let console = state.options.console_dir.clone();
    let web = fengqiao_web::Options { tls, export_dir: state.options.spool_dir.clone() };
    let api = fengqiao_web::api(gate::over(&state.api), web);
    let router = Router::new()
        .route("/sync", post(sync))
        .route("/enroll", post(enroll))
        .route("/health", get(|| async { "ok" }))
        .route("/relay", get(|| async { Html(RELAY_PAGE) }))
        .route("/relay.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], RELAY_JS) }))
        .with_state(state)
        .merge(api);
    let router = match console {
        Some(dir) => router.merge(fengqiao_web::console(&dir, CONSOLE_PAGE)),
        None => router.route("/", get(|| async { Html(RELAY_PAGE) })),
    };
    router.layer(axum::middleware::from_fn(move |req, next| fengqiao_web::security_headers(tls, req, next)))
}

/// The console's page in its build directory (`ui/dist-console`, `npm run build:console`).
pub const CONSOLE_PAGE: &str = "console.html";

const RELAY_PAGE: &str = include_str!("pages/relay.html");
const RELAY_JS: &str = include_str!("pages/relay.js");

/// Serves HQ over plain HTTP on `listener` until `shutdown` completes (tests, and `serve`
/// on loopback).
pub async fn run(
    listener: tokio::net::TcpListener,
    api: Api,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let options = Options::plain(&api);
    serve(listener.into_std()?, api, options, shutdown).await
}

/// Serves HQ on `listener` as `options` say until `shutdown` completes.
pub async fn serve(
    listener: std::net::TcpListener,
    mut api: Api,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Whatever an earlier run left half-written (its temporary files are unnamed, and go
    // with the process; exports are directories).
    let _ = std::fs::remove_dir_all(&options.spool_dir);
    std::fs::create_dir_all(&options.spool_dir)?;
    // `keep_ready` below makes the asked results again after each write.
    api.make_ready_in_background();
    let shared: Shared = Arc::new(Mutex::new(api));
    // Entries left queued by imports made from the command line.
    let queued = shared.clone();
    tokio::task::spawn_blocking(move || catch_up(&queued));
    tokio::spawn(keep_ready(shared.clone()));
    let tls = options.tls.clone();
    let state = AppState {
        api: shared,
        options: Arc::new(options),
        in_flight: Default::default(),
        enroll_limit: Arc::new(Mutex::new(Limiter::new(ENROLL_PER_WINDOW, ENROLL_WINDOW))),
    };
    let app = routes(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let server = axum_server::from_tcp(listener)?.handle(handle);
    match tls {
        Some(config) => {
            server
                .acceptor(axum_server::tls_rustls::RustlsAcceptor::new(
                    axum_server::tls_rustls::RustlsConfig::from_config(config),
                ))
                .serve(app)
                .await
        }
        None => server.serve(app).await,
    }
}

/// Builds the search entries HQ deferred past its imports (see the core's
/// `store::search`), one batch per hold of the lock so that syncs do not wait behind it.
fn catch_up(api: &Shared) {
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

/// Makes the console's kept results again once HQ's data has stood unchanged for
/// `ready::QUIET_FOR` (see the module's doc), one result (or one step of the statistics) per
/// hold of the lock so that a sync or a console call waits behind one at most; stops as soon
/// as the data changes again.
async fn keep_ready(api: Shared) {
    let mut quiet = Quiet::new(ready::QUIET_FOR);
    loop {
        tokio::time::sleep(ready::LOOK_EVERY).await;
        let a = api.clone();
        let Ok(Ok(stamp)) = tokio::task::spawn_blocking(move || lock(&a).county_stamp()).await else { continue };
        let Some(stamp) = quiet.settled(stamp) else { continue };
        loop {
            let (a, s) = (api.clone(), stamp.clone());
            match tokio::task::spawn_blocking(move || lock(&a).refresh_asked(&s)).await {
                Ok(Ok(true)) => tokio::time::sleep(ready::BETWEEN_STEPS).await,
                Ok(Ok(false)) | Err(_) => break,
                Ok(Err(e)) => {
                    eprintln!("预先计算县局统计时出错（下次查看时重新计算）：{e}");
                    break;
                }
            }
        }
    }
}

fn lock(api: &Shared) -> std::sync::MutexGuard<'_, Api> {
    // A panic while holding the lock leaves SQLite's transaction rolled back; the store
    // itself is still consistent, so carry on.
    api.lock().unwrap_or_else(|e| e.into_inner())
}

/// One line on standard error about a request HQ refused or only partly took.
fn log(route: &str, from: SocketAddr, what: &str) {
    let now = fengqiao::model::time::show(SystemClock.now());
    eprintln!("{now} {route} 来自 {from}：{what}");
}

fn refused(route: &str, from: SocketAddr, r: upload::Refused) -> Response {
    log(route, from, &format!("已拒绝（{}）：{}", r.status.as_u16(), r.message));
    (r.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], r.message).into_response()
}

async fn sync(
    State(s): State<AppState>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let spool = upload::spool(&headers, body, s.options.max_bundle, &s.options.spool_dir, &s.in_flight);
    let mut spooled = match spool.await {
        Ok(f) => f,
        Err(r) => return refused("/sync", from, r),
    };
    // SQLite work is blocking: keep it off the async workers. The bundle is read into
    // memory only once the lock is held, so one bundle at a time is in memory.
    let api = s.api.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut api = lock(&api);
        let bytes = spooled.read_all()?;
        let exchanged = api.hq_exchange(&bytes);
        drop(spooled);
        exchanged
    })
    .await;
    let done = match done {
        Ok(Ok((report, reply))) => {
            if report.repeat {
                log(
                    "/sync",
                    from,
                    &format!(
                        "警务室“{}”的第 {} 号同步包已导入过，这次没有重复导入，已重新回复",
                        report.from_name, report.counter
                    ),
                );
            }
            if report.refused > 0 {
                let rows = report.refusals.iter().map(|r| format!("{}：{}", r.what(), r.reason)).collect::<Vec<_>>();
                log(
                    "/sync",
                    from,
                    &format!(
                        "警务室“{}”的第 {} 号同步包有 {} 行未采用：{}",
                        report.from_name,
                        report.counter,
                        report.refusals.len(),
                        rows.join("；")
                    ),
                );
            }
            // The post has its reply; the search entries of what it brought are built after.
            let shared = s.api.clone();
            tokio::task::spawn_blocking(move || catch_up(&shared));
            Ok(Ok(reply))
        }
        Ok(Err(e)) => Ok(Err(e)),
        Err(e) => Err(e),
    };
    respond("/sync", from, done, "application/octet-stream")
}

async fn enroll(
    State(s): State<AppState>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limited = s.enroll_limit.lock().unwrap_or_else(|e| e.into_inner()).admit(from.ip(), Instant::now());
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
    let bytes = match upload::small(&headers, body, MAX_ENROLL, "登记申请").await {
        Ok(b) => b,
        Err(r) => return refused("/enroll", from, r),
    };
    let cert = s.options.enroll_cert.clone();
    let done = tokio::task::spawn_blocking(move || lock(&s.api).hq_enroll_coded(&bytes, cert.as_deref())).await;
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
                Error::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
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
