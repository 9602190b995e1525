//! HTTPS both ways, against the real HQ server on loopback with a self-signed certificate
//! from `tls::self_signed`: a post enrolls with a one-time code over HTTPS and pins HQ's
//! certificate, syncs over HTTPS, and refuses (quickly, in Chinese, sending nothing) an HQ
//! that presents another certificate; an unpinned post refuses an unknown one; `http://`
//! to an HTTPS port fails in words rather than hanging.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::{Value, json};

const VILLAGE: &str = "330326101201";

struct Running {
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// HQ over HTTPS with a fresh self-signed certificate for 127.0.0.1.
fn start(rt: &tokio::runtime::Runtime, data: &Path, certs: &Path) -> Running {
    let (cert, key) = fengqiao_hq::tls::self_signed(&["127.0.0.1".into()]).unwrap();
    std::fs::create_dir_all(certs).unwrap();
    std::fs::write(certs.join("cert.pem"), cert).unwrap();
    std::fs::write(certs.join("key.pem"), key).unwrap();
    let tls = fengqiao_hq::tls::load(&certs.join("cert.pem"), &certs.join("key.pem")).unwrap();
    let api = fengqiao_hq::open(data).unwrap();
    let mut options = fengqiao_hq::Options::plain(&api);
    options.tls = Some(tls.config);
    options.enroll_cert = Some(tls.anchor);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let done = rt.spawn(fengqiao_hq::serve(listener, api, options, async {
        let _ = stopped.await;
    }));
    Running { base, stop, done }
}

fn stop(rt: &tokio::runtime::Runtime, r: Running) {
    r.stop.send(()).unwrap();
    rt.block_on(r.done).unwrap().unwrap();
}

fn ok(api: &mut Api, method: &str, params: Value) -> Value {
    api.call(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// Calls `method`, expecting a refusal within a few seconds; returns its message.
fn refused_quickly(api: &mut Api, method: &str, params: Value) -> String {
    let t = Instant::now();
    let e = api.call(method, params).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(10), "{method} took {:?}", t.elapsed());
    e.to_string()
}

#[test]
fn a_post_pins_hqs_certificate_at_enrollment_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let code = {
        let mut hq = fengqiao_hq::open(&data).unwrap();
        hq.hq_init("县公安局").unwrap();
        hq.hq_enroll_code(&[VILLAGE.into()], Some("青山警务室"), 1).unwrap().code
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let running = start(&rt, &data, &dir.path().join("tls-a"));
    let base = running.base.clone();

    // Today's HTTPS request from a post: enroll with the code, then sync.
    let mut post = Api::open(&dir.path().join("post.db"), Arc::new(SystemClock)).unwrap();
    let enrolled = ok(&mut post, "enroll.network", json!({"url": base, "code": code}));
    assert_eq!(enrolled["hq_name"], "县公安局");
    assert_eq!(enrolled["tls_pinned"], true, "HQ's certificate came with the MACed reply");
    let village = ok(&mut post, "village.create", json!({"name": "青山村", "code": VILLAGE}));
    let synced = ok(&mut post, "sync.network", json!({"url": base}));
    assert_eq!(synced["sent"]["changes"], 2);

    // Plain HTTP to the HTTPS port: an answer in words, not a hang.
    let plain = base.replace("https://", "http://");
    let e = refused_quickly(&mut post, "sync.network", json!({"url": plain}));
    assert!(e.contains("无法连接县局服务") || e.contains("县局拒绝了同步"), "{e}");

    // A post that never enrolled over HTTPS trusts only public authorities: refused.
    let mut stranger = Api::open(&dir.path().join("stranger.db"), Arc::new(SystemClock)).unwrap();
    let mut hq_files = fengqiao_hq::open(&data).unwrap();
    let reply = hq_files.hq_enroll(&stranger.enroll_request(Some("溪口警务室")).unwrap(), &[VILLAGE.into()]);
    stranger.enroll_accept(&reply.unwrap()).unwrap();
    drop(hq_files);
    let e = refused_quickly(&mut stranger, "sync.network", json!({"url": base}));
    assert!(e.contains("的证书无法验证") && e.contains("未发送任何数据"), "{e}");
    stop(&rt, running);

    // HQ comes back with another certificate (or someone poses as HQ): refused before
    // anything is sent, and the post's next bundle is still the one HQ has not seen.
    let running = start(&rt, &data, &dir.path().join("tls-b"));
    let base = running.base.clone();
    ok(&mut post, "village.update", json!({"id": village["id"], "name": "青山新村"}));
    let e = refused_quickly(&mut post, "sync.network", json!({"url": base}));
    assert!(e.contains("出示的证书与本机登记时记录的不一致"), "{e}");
    assert!(e.contains("未发送任何数据"), "{e}");
    stop(&rt, running);
    let hq = fengqiao_hq::open(&data).unwrap();
    let villages: Vec<String> = {
        let mut stmt = hq.store().conn().prepare("SELECT name FROM village").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(villages, ["青山村"], "HQ holds only what the first, genuine sync brought");
}
