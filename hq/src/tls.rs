//! HTTPS for `serve`: the certificate and key from PEM files, rustls on the ring provider;
//! and the rule that plain HTTP is served only on a loopback address, or when the operator
//! says why (TLS ended by the county's proxy in front of HQ, say).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate chain and key, read and checked.
pub struct Tls {
    /// What rustls serves with.
    pub config: Arc<ServerConfig>,
    /// What posts pin when they enroll (DER): the last certificate of the chain, which for
    /// a self-signed certificate is the certificate itself.
    pub anchor: Vec<u8>,
}

fn read_chain(cert: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| format!("无法读取证书文件 {}（应为 PEM 格式）：{e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("证书文件 {} 中没有证书（应含 -----BEGIN CERTIFICATE-----）", cert.display()));
    }
    Ok(chain)
}

/// The certificate posts are to pin when HTTPS is ended by a proxy in front of HQ: the
/// last certificate in the proxy's chain file (PEM).
pub fn anchor_of(cert: &Path) -> Result<Vec<u8>, String> {
    Ok(read_chain(cert)?.last().map(|c| c.to_vec()).unwrap_or_default())
}

/// Reads the certificate chain (`cert`, PEM, the server's own certificate first) and its
/// private key (`key`, PEM: PKCS#8, PKCS#1 or SEC1).
pub fn load(cert: &Path, key: &Path) -> Result<Tls, String> {
    let chain = read_chain(cert)?;
    let anchor = chain.last().map(|c| c.to_vec()).unwrap_or_default();
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("无法读取私钥文件 {}（应为 PEM 格式的私钥）：{e}", key.display()))?;
    // rustls 0.23.48 deprecates its ring provider for lacking post-quantum key exchange;
    // aws-lc-rs has it but needs cmake and builds several times slower on our machines.
    // Classic ECDHE (X25519, P-256) is what the county's browsers and posts use today.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS 设置失败：{e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("证书与私钥不匹配或无法使用：{e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls { config: Arc::new(config), anchor })
}

/// A self-signed certificate for `hosts` (IP addresses or DNS names the posts use to reach
/// HQ) and its private key, both PEM. ECDSA P-256; valid until rcgen's default far end, as
/// posts pin it rather than trusting it by date.
pub fn self_signed(hosts: &[String]) -> Result<(String, String), String> {
    if hosts.is_empty() {
        return Err("请用 --host 给出警务室访问县局时使用的 IP 地址或域名（可多次给出）".into());
    }
    let bad = |e: rcgen::Error| format!("无法生成证书：{e}");
    let key = rcgen::KeyPair::generate().map_err(bad)?;
    let mut params = rcgen::CertificateParams::new(hosts.to_vec())
        .map_err(|e| format!("“{}”不是有效的 IP 地址或域名：{e}", hosts.join("、")))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "枫桥警务台账县局服务");
    let cert = params.self_signed(&key).map_err(bad)?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// Plain HTTP is allowed on loopback, or with a reason given; otherwise the message says
/// what to do.
pub fn check_plain(addr: SocketAddr, reason: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    Err(format!(
        "监听地址 {addr} 不是本机回环地址，不能用明文 HTTP 提供服务：请用 --tls-cert 与 --tls-key 启用 HTTPS；\
         若 HTTPS 由县局的反向代理终止，请用 --plain-http-because 写明理由（如 --plain-http-because \"由本机 443 端口的 TLS 代理转发\"）"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_signed_certificate_loads_and_is_its_own_anchor() {
        let dir = tempfile::tempdir().unwrap_or_else(|_| unreachable!());
        let (cert, key) = self_signed(&["127.0.0.1".into(), "hq.example".into()]).unwrap_or_default();
        std::fs::write(dir.path().join("c.pem"), &cert).unwrap_or_default();
        std::fs::write(dir.path().join("k.pem"), &key).unwrap_or_default();
        let tls = load(&dir.path().join("c.pem"), &dir.path().join("k.pem")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Ok(tls.anchor), anchor_of(&dir.path().join("c.pem")));
        let e = load(&dir.path().join("k.pem"), &dir.path().join("k.pem")).err().unwrap_or_default();
        assert!(e.contains("中没有证书"), "{e}");
        assert!(self_signed(&[]).is_err());
    }

    #[test]
    fn plain_http_only_on_loopback_or_with_a_reason() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!());
        let lo6: SocketAddr = "[::1]:8080".parse().unwrap_or_else(|_| unreachable!());
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap_or_else(|_| unreachable!());
        assert!(check_plain(lo, None).is_ok());
        assert!(check_plain(lo6, None).is_ok());
        let e = check_plain(any, None).unwrap_err();
        assert!(e.contains("--tls-cert") && e.contains("--plain-http-because"), "{e}");
        assert!(check_plain(any, Some("  ")).is_err(), "a blank reason is no reason");
        assert!(check_plain(any, Some("TLS 由县局代理终止")).is_ok());
    }
}
