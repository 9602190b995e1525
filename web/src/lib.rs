//! `fengqiao-web`: a browser's way into the core. The page `POST`s JSON; this crate carries
//! it to a [`Gate`] (the core's per-call gate, implemented by the server over its api) and
//! carries the answer back. It holds no business rule, no role check and no scope filter:
//! the core decides who may do what; this layer only moves requests, and keeps the session
//! token where page scripts cannot read it.
//!
//! Routes ([`api`]):
//! - `POST /api/login` `{login, password, totp?}`: the gate's reply, minus the session
//!   token, which goes into the session cookie (`HttpOnly`, `SameSite=Strict`, `Path=/`;
//!   under TLS also `Secure`, named `__Host-fq_session`).
//! - `POST /api/logout`: ends the session at the gate and clears the cookie.
//! - `POST /api/call` `{method, params}`: any api method, as the cookie's session. Errors
//!   are the core's `{code, message, field?}` with an HTTP status from the code.
//! - `POST /api/export` `{method, params, file_name}`: a method that writes a file (xlsx,
//!   PDF) writes it into a fresh server-side temporary directory; the file comes back as a
//!   download and the directory is removed. Pages never name a path on the server: `path`,
//!   `out` and `file` parameters are refused in `/api/call`.
//!
//! Cross-site requests: besides `SameSite=Strict`, every `/api/` request must be JSON
//! (`Content-Type: application/json`, which a cross-site form cannot send and a cross-site
//! script cannot send without a CORS preflight this server never grants), and when the
//! browser says where it comes from (`Sec-Fetch-Site`, `Origin`) that must be this site.
//!
//! [`console`] serves the built console (`index.html` and its assets) from a directory, and
//! [`security_headers`] adds a strict Content-Security-Policy and friends to every response.
//!
//! [`launch_guard`] keeps a server that one person started for themselves (a post's
//! `fengqiao serve` on loopback) to the browser it opened: a [`Launch`]'s one-time token in
//! the first URL is traded for the session cookie, and every other request without that
//! cookie is refused, the page and its assets included.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// The core's gate as this crate sees it: log in, call a method as a session, log out.
/// Each call blocks (SQLite); this crate runs them on tokio's blocking pool.
pub trait Gate: Send + Sync + 'static {
    /// Logs in with `params` (`login`, `password`, and what the gate asks for next, such as a
    /// TOTP code).
    fn login(&self, params: Value) -> Result<Login, Refused>;
    /// Runs `method` with `params` as the session `token`.
    fn call(&self, token: &str, method: &str, params: Value) -> Result<Value, Refused>;
    /// Ends the session `token` (unknown or expired tokens are ignored).
    fn logout(&self, token: &str);
}

/// What a login step gave.
#[derive(Debug, Clone)]
pub struct Login {
    /// The session's token, once the login is complete (it goes into the cookie, never to
    /// the page).
    pub token: Option<String>,
    /// What the page is told: the session, or the next step (a TOTP code, TOTP enrolment).
    pub reply: Value,
}

/// A refusal or failure from the gate: the core's error code and its `{code, message,
/// field?}` reply.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The core's error code (`unauthenticated`, `forbidden`, `validation`…).
    pub code: String,
    /// The reply as the page receives it.
    pub reply: Value,
}

impl Refused {
    /// A refusal made by this layer itself.
    pub fn new(code: &str, message: impl Into<String>) -> Refused {
        let message = message.into();
        Refused { code: code.into(), reply: json!({ "code": code, "message": message }) }
    }

    fn status(&self) -> StatusCode {
        match self.code.as_str() {
            "unauthenticated" => StatusCode::UNAUTHORIZED,
            "forbidden" | "password_change_required" | "cross_site" => StatusCode::FORBIDDEN,
            "not_found" | "unknown_method" => StatusCode::NOT_FOUND,
            "storage" | "io" | "internal" => StatusCode::INTERNAL_SERVER_ERROR,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.status(), [(header::CACHE_CONTROL, "no-store")], axum::Json(self.reply)).into_response()
    }
}

/// How the routes behave.
#[derive(Debug, Clone)]
pub struct Options {
    /// Served over TLS: the cookie is `Secure` (and `__Host-` prefixed).
    pub tls: bool,
    /// Where exports are written before they are sent (a directory on the server's disk).
    pub export_dir: PathBuf,
}

/// The largest `/api/` request body: a form's worth of JSON.
pub const MAX_REQUEST: usize = 1 << 20;

struct Shared {
    gate: Arc<dyn Gate>,
    options: Options,
}

type AppState = Arc<Shared>;

/// The `/api/` routes over `gate`.
pub fn api<S: Clone + Send + Sync + 'static>(gate: Arc<dyn Gate>, options: Options) -> Router<S> {
    let state: AppState = Arc::new(Shared { gate, options });
    Router::new()
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/call", post(call))
        .route("/api/export", post(export))
        .layer(axum::middleware::from_fn(same_site_json))
        .layer(DefaultBodyLimit::max(MAX_REQUEST))
        .with_state(state)
}

/// The session cookie's name: `__Host-` prefixed under TLS, where browsers then insist on
/// `Secure`, `Path=/` and no `Domain`.
fn cookie_name(tls: bool) -> &'static str {
    if tls { "__Host-fq_session" } else { "fq_session" }
}

fn set_cookie(tls: bool, token: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict", cookie_name(tls));
    if tls {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("fq_session=; Path=/; Max-Age=0"))
}

/// The session token from the request's cookies, if any.
fn token(headers: &HeaderMap, tls: bool) -> Option<String> {
    let name = cookie_name(tls);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// Refuses `/api/` requests that are not JSON from this very site (see the module docs).
async fn same_site_json(req: Request<Body>, next: Next) -> Response {
    if let Err(r) = check_same_site(&req) {
        return r.into_response();
    }
    next.run(req).await
}

fn check_same_site(req: &Request<Body>) -> Result<(), Refused> {
    let headers = req.headers();
    let cross = || Refused::new("cross_site", "请求来自其他网站，已拒绝；请直接在县局工作台页面中操作");
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(cross());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| req.uri().authority().map(|a| a.to_string()));
        let origin_host = origin.split_once("://").map(|(_, h)| h);
        if host.is_none() || origin_host != host.as_deref() {
            return Err(cross());
        }
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(Refused::new(
            "unsupported_media_type",
            "请求格式不对：应为 JSON（Content-Type: application/json）",
        ));
    }
    Ok(())
}

fn parse(body: &Bytes) -> Result<Value, Refused> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| Refused::new("bad_request", format!("请求不是有效的 JSON：{e}")))?;
    if v.is_object() { Ok(v) } else { Err(Refused::new("bad_request", "请求应为 JSON 对象")) }
}

/// Runs blocking gate work off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Refused> + Send + 'static) -> Result<T, Refused> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(Refused::new("internal", "处理中断，未做任何改动；请重试")))
}

fn need_token(headers: &HeaderMap, tls: bool) -> Result<String, Refused> {
    token(headers, tls).ok_or_else(|| Refused::new("unauthenticated", "请先登录"))
}

async fn login(State(s): State<AppState>, body: Bytes) -> Response {
    let params = match parse(&body) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let gate = s.gate.clone();
    match blocking(move || gate.login(params)).await {
        Ok(Login { token: Some(token), reply }) => {
            let mut resp = no_store(axum::Json(reply).into_response());
            resp.headers_mut().insert(header::SET_COOKIE, set_cookie(s.options.tls, &token, None));
            resp
        }
        Ok(Login { token: None, reply }) => no_store(axum::Json(reply).into_response()),
        Err(r) => r.into_response(),
    }
}

async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = token(&headers, s.options.tls) {
        let gate = s.gate.clone();
        let _ = blocking(move || {
            gate.logout(&token);
            Ok(())
        })
        .await;
    }
    let mut resp = no_store(axum::Json(json!({ "mode": "logged_out" })).into_response());
    resp.headers_mut().insert(header::SET_COOKIE, set_cookie(s.options.tls, "", Some(0)));
    resp
}

/// Parameters a page may not pass: paths on the server.
const PATH_PARAMS: [&str; 3] = ["path", "out", "file"];

fn method_and_params(body: &Bytes) -> Result<(String, Value), Refused> {
    let mut req = parse(body)?;
    let method = req
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Refused::new("bad_request", "请求缺少接口方法名（method）"))?;
    let params = match req.get_mut("params").map(Value::take) {
        None | Some(Value::Null) => json!({}),
        Some(p @ Value::Object(_)) => p,
        Some(_) => return Err(Refused::new("bad_request", "参数（params）应为 JSON 对象")),
    };
    if let Some(k) = PATH_PARAMS.iter().find(|k| params.get(**k).is_some()) {
        return Err(Refused {
            code: "validation".into(),
            reply: json!({
                "code": "validation",
                "field": k,
                "message": "网页不能指定县局服务器上的文件路径；导出文件请用页面上的导出按钮下载",
            }),
        });
    }
    Ok((method, params))
}

async fn call(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async {
        let token = need_token(&headers, s.options.tls)?;
        let (method, params) = method_and_params(&body)?;
        let gate = s.gate.clone();
        blocking(move || gate.call(&token, &method, params)).await
    };
    match run.await {
        Ok(reply) => no_store(axum::Json(reply).into_response()),
        Err(r) => r.into_response(),
    }
}

/// File kinds an export may produce, by extension, with their MIME types.
const EXPORT_KINDS: [(&str, &str); 3] = [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pdf", "application/pdf"),
    ("csv", "text/csv; charset=utf-8"),
];

/// The download's name: the page's `file_name` without anything path-like, and its kind.
fn export_name(body: &Value) -> Result<(String, &'static str), Refused> {
    let name = body.get("file_name").and_then(Value::as_str).unwrap_or_default();
    let name: String = name.chars().filter(|c| !matches!(c, '/' | '\\' | '\0') && !c.is_control()).take(120).collect();
    let name = name.trim().trim_start_matches('.').to_owned();
    let ext = Path::new(&name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let kind = EXPORT_KINDS.iter().find(|(e, _)| Some(*e) == ext.as_deref()).map(|(_, mime)| *mime);
    match kind {
        Some(mime) if name.len() > 5 => Ok((name, mime)),
        _ => Err(Refused {
            code: "validation".into(),
            reply: json!({
                "code": "validation",
                "field": "file_name",
                "message": "导出文件名应以 .xlsx、.pdf 或 .csv 结尾",
            }),
        }),
    }
}

async fn export(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async {
        let token = need_token(&headers, s.options.tls)?;
        let (method, mut params) = method_and_params(&body)?;
        let (name, mime) = export_name(&parse(&body)?)?;
        let dir = tempfile::Builder::new()
            .prefix("export-")
            .tempdir_in(&s.options.export_dir)
            .map_err(|e| Refused::new("io", format!("县局无法建立导出用的临时目录：{e}")))?;
        let path = dir.path().join(&name);
        params["path"] = json!(path);
        let gate = s.gate.clone();
        let reply = blocking(move || gate.call(&token, &method, params)).await?;
        // Written by the method through the core's own file rules; read back, then the
        // directory goes (dropping `dir`).
        let bytes = tokio::fs::read(&path).await.map_err(|e| Refused::new("io", format!("导出的文件无法读取：{e}")))?;
        drop(dir);
        Ok::<_, Refused>((name, mime, bytes, reply))
    };
    match run.await {
        Ok((name, mime, bytes, _)) => {
            let disposition =
                format!("attachment; filename=\"export.{}\"; filename*=UTF-8''{}", ext_of(&name), pct(&name));
            let mut resp = no_store((StatusCode::OK, bytes).into_response());
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(r) => r.into_response(),
    }
}

fn ext_of(name: &str) -> &str {
    name.rsplit_once('.').map_or("bin", |(_, e)| e)
}

/// RFC 5987 percent-encoding of a file name.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The built pages from `dir`: `page` (e.g. `console.html`) at `/`, the hashed assets
/// beside it under their own names.
pub fn console<S: Clone + Send + Sync + 'static>(dir: &Path, page: &str) -> Router<S> {
    let index = tower_http::services::ServeFile::new(dir.join(page));
    Router::new()
        .route_service("/", index)
        .fallback_service(tower_http::services::ServeDir::new(dir).append_index_html_on_directories(false))
}

/// Adds the headers every response carries: a Content-Security-Policy allowing only this
/// site's own scripts, no framing, no referrer, no MIME sniffing; under TLS also HSTS.
pub async fn security_headers(tls: bool, req: Request<Body>, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
             connect-src 'self'; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if tls {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    resp
}

/// One launch of a server for one browser: the token in the URL it opens, the cookie that
/// token is traded for, and the address the browser must name (`Host`), so that a page of
/// another site whose name was pointed at 127.0.0.1 (DNS rebinding) is refused too.
#[derive(Debug)]
pub struct Launch {
    token: String,
    session: String,
    host: String,
    used: AtomicBool,
}

impl Launch {
    /// A launch whose URL carries `token` (`?token=`), trading it once for a cookie holding
    /// `session`, for requests addressed to `host` (`127.0.0.1:PORT`). Both secrets should be
    /// long and random.
    pub fn new(token: String, session: String, host: String) -> Launch {
        Launch { token, session, host, used: AtomicBool::new(false) }
    }

    /// The URL to open in the browser.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.host, self.token)
    }

    /// Whether `token` (a session cookie's value) is this launch's session.
    pub fn is_session(&self, token: &str) -> bool {
        same(token.as_bytes(), self.session.as_bytes())
    }
}

/// Compares two secrets in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Lets through requests that carry the launch's session cookie; trades the launch's token,
/// once, for that cookie (a redirect to `/`, so the token leaves the address bar and
/// history); refuses everything else, and anything addressed to another
/// host, with `403`.
pub async fn launch_guard(launch: Arc<Launch>, req: Request<Body>, next: Next) -> Response {
    let refuse = |why: &str| {
        let body = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>拒绝访问</title><p>{why}</p>\
             <p>请关闭本页，重新从开始菜单或命令行启动“枫桥警务台账（浏览器版）”，它会打开带一次性口令的新链接。</p>"
        );
        no_store((StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
    };
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    if host != Some(launch.host.as_str()) {
        return refuse("此服务只接受本机浏览器经 127.0.0.1 的访问。");
    }
    if token(req.headers(), false).is_some_and(|t| launch.is_session(&t)) {
        return next.run(req).await;
    }
    let offered = req.uri().query().into_iter().flat_map(|q| q.split('&')).find_map(|kv| kv.strip_prefix("token="));
    match offered {
        Some(t) if same(t.as_bytes(), launch.token.as_bytes()) => {
            if launch.used.swap(true, Ordering::SeqCst) {
                return refuse("这个启动链接已经用过一次，不能再用。");
            }
            let mut resp = no_store((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response());
            resp.headers_mut().insert(header::SET_COOKIE, set_cookie(false, &launch.session, None));
            resp
        }
        Some(_) => refuse("启动链接中的口令不对。"),
        None => refuse("未经启动链接进入，已拒绝。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request<Body> {
        let mut b = Request::builder().method("POST").uri("/api/call");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn only_json_from_this_site_passes() {
        let json = ("content-type", "application/json");
        let host = ("host", "hq.example:8443");
        assert!(check_same_site(&req(&[json, host])).is_ok(), "a script or tool that names no origin");
        assert!(check_same_site(&req(&[json, host, ("origin", "https://hq.example:8443")])).is_ok());
        assert!(check_same_site(&req(&[json, host, ("sec-fetch-site", "same-origin")])).is_ok());
        let refused = |h: &[(&str, &str)]| check_same_site(&req(h)).unwrap_err().code;
        assert_eq!(refused(&[json, host, ("origin", "https://evil.example")]), "cross_site");
        assert_eq!(refused(&[json, host, ("origin", "https://hq.example:8443.evil.example")]), "cross_site");
        assert_eq!(refused(&[json, host, ("sec-fetch-site", "cross-site")]), "cross_site");
        assert_eq!(refused(&[json, host, ("sec-fetch-site", "same-site")]), "cross_site");
        assert_eq!(refused(&[host, ("content-type", "application/x-www-form-urlencoded")]), "unsupported_media_type");
        assert_eq!(refused(&[host, ("content-type", "text/plain")]), "unsupported_media_type");
    }

    #[test]
    fn the_token_is_read_from_its_own_cookie_only() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; fq_session=tok; b=2"));
        assert_eq!(token(&h, false).as_deref(), Some("tok"));
        assert_eq!(token(&h, true), None, "under TLS only the __Host- cookie counts");
        let c = set_cookie(true, "t", None);
        let c = c.to_str().unwrap_or_default();
        assert!(c.starts_with("__Host-fq_session=t;") && c.contains("HttpOnly") && c.contains("SameSite=Strict"));
        assert!(c.contains("Secure") && c.contains("Path=/"));
        assert!(!set_cookie(false, "t", None).to_str().unwrap_or_default().contains("Secure"));
    }

    #[test]
    fn pages_cannot_name_server_paths_and_exports_name_their_kind() {
        let b = |v: Value| Bytes::from(v.to_string());
        let e = method_and_params(&b(json!({"method": "backup.create", "params": {"out": "/etc"}}))).unwrap_err();
        assert_eq!(e.reply["field"], "out");
        assert!(method_and_params(&b(json!({"method": "hq.overview"}))).is_ok());
        assert_eq!(
            export_name(&json!({"file_name": "../../督办.xlsx"})).map(|n| n.0).ok().as_deref(),
            Some("督办.xlsx")
        );
        assert!(export_name(&json!({"file_name": "月报.exe"})).is_err());
        assert!(export_name(&json!({"file_name": ".xlsx"})).is_err());
        assert_eq!(pct("月报 1.pdf"), "%E6%9C%88%E6%8A%A5%201.pdf");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd") && !same(b"abc", b"ab") && !same(b"", b"a"));
    }
}
