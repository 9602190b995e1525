//! The real `fengqiao-hq` binary as a process: its admin commands, and `serve` on a free
//! loopback port (the other way the tests start a server, beside [`crate::loopback`]'s
//! in-process one), for what only a process shows: its memory, its log, being killed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const HQ: &str = env!("CARGO_BIN_EXE_fengqiao-hq");

/// `fengqiao-hq serve` on a free loopback port; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// The server's base URL.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `fengqiao-hq --data DATA ARGS…`, which must succeed; its output.
pub fn hq(data: &Path, args: &[&str]) -> String {
    let out = Command::new(HQ).arg("--data").arg(data).args(args).output().unwrap();
    assert!(out.status.success(), "fengqiao-hq {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `fengqiao-hq serve ARGS…` on HQ's data in `data`, its log on this test's stderr.
pub fn serve(data: &Path, args: &[&str]) -> Server {
    serve_logging(data, args, Stdio::inherit())
}

/// [`serve`] with the server's log (its stderr) going to `log`.
pub fn serve_logging(data: &Path, args: &[&str], log: Stdio) -> Server {
    let mut child = Command::new(HQ)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("://").next().unwrap().to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    Server { child, addr }
}
