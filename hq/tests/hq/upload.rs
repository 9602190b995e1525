//! Uploads to the real `fengqiao-hq serve` process on loopback, over raw TCP so that the
//! test controls every byte: a body far larger than the cap (declared, and streamed
//! without a length) is refused in Chinese while the server's resident memory stays flat;
//! a body cut off half-way changes nothing; a post's second sync is turned away while its
//! first is still arriving, and the first then completes; the same bundle sent again (its
//! reply lost) is answered with a fresh reply, applied once, and logged as a repeat.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::json;

use crate::process::{Server, hq, serve, serve_logging};

/// HQ initialised in `data` and a post in `dir` enrolled there with one village, which it
/// has entered.
fn enrolled_post(dir: &Path, data: &Path) -> Api {
    hq(data, &["init", "--name", "县公安局"]);
    let mut post_api = Api::open(&dir.join("post.db"), Arc::new(SystemClock)).unwrap();
    let mut hq_api = fengqiao_hq::open(data).unwrap();
    let reply = hq_api.hq_enroll(&post_api.enroll_request(Some("青山警务室")).unwrap(), &["330326101201".into()]);
    post_api.enroll_accept(&reply.unwrap()).unwrap();
    post_api.call("village.create", json!({"name": "青山村", "code": "330326101201"})).unwrap();
    post_api
}

/// The server's resident memory, KiB.
fn rss_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Every file under HQ's data dir but SQLite's shared-memory index, with its bytes.
fn files(data: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walk(data) {
        let name = e.strip_prefix(data).unwrap().display().to_string();
        if !name.ends_with("-shm") {
            out.insert(name, std::fs::read(&e).unwrap());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { all.extend(walk(&p)) } else { all.push(p) }
    }
    all
}

/// Reads an HTTP response: status and body (the connection is closed by the request).
fn response(stream: &mut TcpStream) -> std::io::Result<(u16, String)> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn connect(server: &Server) -> TcpStream {
    let s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

/// POSTs `body` whole, with its length.
fn post(server: &Server, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = connect(server);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr,
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&raw[9..12]).parse().unwrap();
    (status, raw[at + 4..].to_vec())
}

#[test]
fn an_upload_far_larger_than_the_cap_is_refused_and_the_server_does_not_grow() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq(&data, &["init", "--name", "县公安局"]);
    let server = serve(&data, &["--max-bundle-mb", "8"]);
    // Settle the server's allocations with an ordinary refused upload first.
    let (status, body) = post(&server, "/sync", b"not a bundle");
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("这不是枫桥同步包"));
    let before_files = files(&data);
    let before = rss_kib(&server);

    // Declared: 64 GiB. Refused on the header alone.
    let mut s = connect(&server);
    let head = format!("POST /sync HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n", server.addr, 64u64 << 30);
    s.write_all(head.as_bytes()).unwrap();
    let (status, body) = response(&mut s).unwrap();
    assert_eq!(status, 413);
    assert!(body.contains("同步包超过县局允许的上限（8 MB），县局未做任何改动"), "{body}");

    // Streamed without a length: 2 GiB offered in 1 MiB chunks, looking like a bundle.
    let mut s = connect(&server);
    let head = format!("POST /sync HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n", server.addr);
    s.write_all(head.as_bytes()).unwrap();
    let mut chunk = b"FQSYNC/1\n".to_vec();
    chunk.resize(1 << 20, b'x');
    let (mut sent, offered) = (0u64, 2u64 << 30);
    let mut peak = before;
    while sent < offered {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if s.write_all(&frame).is_err() {
            break;
        }
        sent += chunk.len() as u64;
        if sent % (16 << 20) == 0 {
            peak = peak.max(rss_kib(&server));
        }
    }
    assert!(sent < 256 << 20, "the server stopped reading near its cap; the client got {} MiB in", sent >> 20);
    if let Ok((status, body)) = response(&mut s) {
        // The refusal is sent before the connection closes (a reset may swallow it).
        assert!(status == 0 || status == 413, "{status} {body}");
    }
    let after = rss_kib(&server).max(peak);
    println!("服务进程常驻内存：上传前 {before} KiB，期间最高 {after} KiB，客户端送出 {} MiB 后被断开", sent >> 20);
    assert!(after < before + 32 * 1024, "resident memory grew from {before} KiB to {after} KiB");

    // Nothing was kept: HQ's files are as they were, and the spool is empty.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(files(&data), before_files);
    assert!(walk(&data.join("spool")).is_empty());
}

#[test]
fn an_upload_cut_off_half_way_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq(&data, &["init", "--name", "县公安局"]);
    let server = serve(&data, &[]);
    assert_eq!(post(&server, "/health", b"").0, 405, "health is a GET");
    let before = files(&data);
    {
        let mut s = connect(&server);
        let head = format!("POST /sync HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n", server.addr, 1 << 20);
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&[b'x'; 100_000]).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let (status, body) = response(&mut s).unwrap_or((0, String::new()));
        assert!(status == 0 || (status == 400 && body.contains("上传中断或不完整")), "{status} {body}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(files(&data), before);
    assert!(walk(&data.join("spool")).is_empty());
    // The server carries on.
    assert_eq!(post(&server, "/sync", b"").0, 400);
}

#[test]
fn a_posts_second_sync_is_turned_away_while_its_first_is_arriving() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let mut post_api = enrolled_post(dir.path(), &data);
    let bundle = post_api.bundle_export().unwrap();
    let server = serve(&data, &[]);

    // The first upload sends its header and half its body, then pauses.
    let mut first = connect(&server);
    let head = format!("POST /sync HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n", server.addr, bundle.len());
    first.write_all(head.as_bytes()).unwrap();
    let half = bundle.len() / 2;
    first.write_all(&bundle[..half]).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let (status, body) = post(&server, "/sync", &bundle);
    assert_eq!(status, 409);
    assert!(String::from_utf8_lossy(&body).contains("这个警务室的上一次同步还在处理中"));

    first.write_all(&bundle[half..]).unwrap();
    let mut raw = Vec::new();
    let mut reader = BufReader::new(first);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    assert!(status_line.contains(" 200 "), "{status_line}");
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    raw.resize(len, 0);
    reader.read_exact(&mut raw).unwrap();
    let report = post_api.bundle_import(&raw).unwrap();
    assert_eq!(report.counter, 1, "HQ's first reply to this post");
    // Once the first is done, the post syncs again as usual.
    let (status, _) = post(&server, "/sync", &post_api.bundle_export().unwrap());
    assert_eq!(status, 200);
}

/// The post's bundle reaches HQ but the reply is lost on the way back; the post (or the
/// station relaying its stick) sends the same bytes again. HQ answers with a fresh reply the
/// post imports, applies nothing twice, and its log says it was a repeat.
#[test]
fn the_same_bundle_sent_again_gets_a_fresh_reply_and_is_logged_as_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let mut post_api = enrolled_post(dir.path(), &data);
    let bundle = post_api.bundle_export().unwrap();
    let log_path = dir.path().join("hq.log");
    let server = serve_logging(&data, &[], Stdio::from(std::fs::File::create(&log_path).unwrap()));
    let changes = || -> i64 {
        let probe = fengqiao_hq::open(&data).unwrap();
        probe.store().conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
    };

    let (status, _lost) = post(&server, "/sync", &bundle);
    assert_eq!(status, 200);
    let after_first = changes();
    let (status, reply) = post(&server, "/sync", &bundle);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&reply));
    assert_eq!(changes(), after_first, "nothing applied twice");
    let report = post_api.bundle_import(&reply).unwrap();
    assert_eq!(report.counter, 2, "a fresh reply, not the lost one");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("警务室“青山警务室”的第 1 号同步包已导入过，这次没有重复导入，已重新回复"), "{log}");
    assert!(!log.contains("已拒绝"), "{log}");
    // The post's next sync goes as usual.
    let (status, _) = post(&server, "/sync", &post_api.bundle_export().unwrap());
    assert_eq!(status, 200);
}
