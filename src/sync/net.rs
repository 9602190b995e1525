//! The network path to `fengqiao-hq`: the same sealed bundle bytes as on a USB stick, sent
//! over plain HTTP (bundles are signed and encrypted end to end, see [`super::bundle`]).

use std::time::Duration;

use crate::error::{Error, Result};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into()
}

/// `base` + `path`, with a clear message for an address that is not `http://…`.
fn endpoint(base: &str, path: &str) -> Result<String> {
    let base = base.trim().trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < "http://x".len() {
        return Err(Error::validation("url", format!("县局服务地址“{base}”无效，应形如 http://192.168.1.10:8080")));
    }
    Ok(format!("{base}{path}"))
}

/// POSTs `body` to `base` + `path` and returns the reply body. A refusal comes back from
/// HQ as a non-2xx status with its Chinese message as the body.
pub(crate) fn post(base: &str, path: &str, content_type: &str, body: &[u8], what: &str) -> Result<Vec<u8>> {
    let url = endpoint(base, path)?;
    let net = |e: ureq::Error| Error::Network {
        message: format!("无法连接县局服务 {url}，请检查网络和服务地址（{e}）"),
    };
    let mut resp = agent().post(&url).header("content-type", content_type).send(body).map_err(net)?;
    let status = resp.status();
    let reply = resp.body_mut().with_config().limit(1 << 31).read_to_vec().map_err(net)?;
    if !status.is_success() {
        let msg = String::from_utf8_lossy(&reply);
        return Err(Error::rule(format!("县局拒绝了{what}（HTTP {}）：{msg}", status.as_u16())));
    }
    Ok(reply)
}

/// Sends a bundle to HQ's `POST /sync` and returns the reply bundle.
pub fn post_bundle(base: &str, bundle: &[u8]) -> Result<Vec<u8>> {
    post(base, "/sync", "application/octet-stream", bundle, "同步")
}
