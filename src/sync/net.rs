//! The network path to `fengqiao-hq`: the same sealed bundle bytes as on a USB stick, sent
//! over HTTP or HTTPS (bundles are signed and encrypted end to end, see [`super::bundle`];
//! TLS adds that nobody on the way sees which post syncs how much, and that HQ is HQ
//! before anything is sent).
//!
//! Over HTTPS the post trusts ([`Trust`]) the certificate it pinned when it enrolled (HQ's
//! enrollment reply carries it, under the one-time code's MAC), or else the public
//! certificate authorities (Mozilla's list, for HQ behind a proxy with such a
//! certificate). A certificate that does not match is refused before a byte of the bundle
//! leaves, with a Chinese message saying so.

use std::time::Duration;

use crate::error::{Error, Result};

/// Which certificate an `https://` HQ must present.
#[derive(Debug, Clone)]
pub enum Trust {
    /// Exactly the certificate recorded at enrollment (DER), as the only trust anchor.
    Pinned(Vec<u8>),
    /// Any certificate a public authority vouches for (nothing was pinned).
    Public,
    /// No check: only for the enrollment exchange, whose request and reply are MACed with
    /// the one-time code (a stranger in the middle can neither read nor forge anything
    /// that matters, see SECURITY.md); its reply tells the post which certificate to pin.
    FirstContact,
}

fn agent(trust: &Trust) -> Result<ureq::Agent> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let tls = match trust {
        Trust::Pinned(der) => {
            TlsConfig::builder().root_certs(RootCerts::new_with_certs(&[Certificate::from_der(der).to_owned()])).build()
        }
        Trust::Public => TlsConfig::builder().root_certs(RootCerts::WebPki).build(),
        Trust::FirstContact => TlsConfig::builder().disable_verification(true).build(),
    };
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into())
}

/// `base` + `path`, with a clear message for an address that is not `http(s)://…`.
fn endpoint(base: &str, path: &str) -> Result<String> {
    let base = base.trim().trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < "http://x".len() {
        return Err(Error::validation("url", format!("县局服务地址“{base}”无效，应形如 https://192.168.1.10:8443")));
    }
    Ok(format!("{base}{path}"))
}

/// The TLS failure inside ureq's error, if that is what it is (ureq reports a refused
/// handshake as an I/O error wrapping rustls' own).
fn tls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(t) => Some(t),
        ureq::Error::Io(io) => io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

/// Why a certificate was refused, in words.
fn why(e: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match e {
        C::UnknownIssuer => "不是登记时记录的证书，也不由受信任的机构签发".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => "证书上的地址与所连接的地址不符".into(),
        C::Expired | C::ExpiredContext { .. } => "证书已过期".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "证书尚未生效（或本机时钟不准）".into(),
        C::BadSignature => "证书签名无效".into(),
        other => format!("{other:?}"),
    }
}

/// Whether the exchange failed after HQ had taken the connection: it was cut (HQ stopped,
/// a cable pulled, a proxy gave up) while the bundle went up or the reply came down.
fn cut_midway(e: &ureq::Error) -> bool {
    use std::io::ErrorKind as K;
    use ureq::Timeout as T;
    match e {
        ureq::Error::Io(io) => {
            matches!(io.kind(), K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe)
        }
        ureq::Error::Timeout(t) => matches!(t, T::SendRequest | T::SendBody | T::RecvResponse | T::RecvBody),
        _ => false,
    }
}

/// A failed exchange in words an officer can act on.
fn explain(url: &str, trust: &Trust, e: ureq::Error) -> Error {
    let message = match tls_error(&e) {
        Some(rustls::Error::InvalidCertificate(c)) => match trust {
            Trust::Pinned(_) => format!(
                "县局服务 {url} 出示的证书与本机登记时记录的不一致（{}），已中止连接，未发送任何数据：\
                 可能有人冒充县局，也可能县局更换了证书。请联系县局核实；如县局确已更换证书，请申请新的登记码重新登记",
                why(c)
            ),
            _ => format!(
                "县局服务 {url} 的证书无法验证（{}），已中止连接，未发送任何数据。\
                 县局使用自建证书时，警务室须先通过登记码重新登记以记录县局证书",
                why(c)
            ),
        },
        Some(other) => format!(
            "无法与县局服务 {url} 建立 HTTPS 加密连接（{other}），未发送任何数据；请确认地址开头应为 https:// 还是 http://"
        ),
        // Whether HQ imported the bundle before the cut cannot be known here; either way the
        // next sync sends what HQ has not acknowledged, and HQ counts what it already holds
        // as duplicates.
        None if cut_midway(&e) => format!(
            "已连接县局服务 {url}，但同步途中连接被中断（{e}）：县局可能已收到并导入本次同步包，\
             也可能没有；本机数据未受影响，未收到县局的回复。重新同步是安全的，不会重复导入或丢失数据"
        ),
        None => format!("无法连接县局服务 {url}，请检查网络和服务地址（{e}）"),
    };
    Error::Network { message }
}

/// POSTs `body` to `base` + `path` and returns the reply body. A refusal comes back from
/// HQ as a non-2xx status with its Chinese message as the body.
pub(crate) fn post(
    base: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
    what: &str,
    trust: &Trust,
) -> Result<Vec<u8>> {
    let url = endpoint(base, path)?;
    let net = |e: ureq::Error| explain(&url, trust, e);
    let mut resp = agent(trust)?.post(&url).header("content-type", content_type).send(body).map_err(net)?;
    let status = resp.status();
    let reply = resp.body_mut().with_config().limit(1 << 31).read_to_vec().map_err(net)?;
    if !status.is_success() {
        let msg = String::from_utf8_lossy(&reply);
        return Err(Error::rule(format!("县局拒绝了{what}（HTTP {}）：{msg}", status.as_u16())));
    }
    Ok(reply)
}

/// Sends a bundle to HQ's `POST /sync` and returns the reply bundle.
pub fn post_bundle(base: &str, bundle: &[u8], trust: &Trust) -> Result<Vec<u8>> {
    post(base, "/sync", "application/octet-stream", bundle, "同步", trust)
}
