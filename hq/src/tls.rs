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
    /// The certificate itself (DER): what posts pin when they enroll.
    pub cert: Vec<u8>,
}

/// Reads the certificate chain (`cert`, PEM, the server's own certificate first) and its
/// private key (`key`, PEM: PKCS#8, PKCS#1 or SEC1).
pub fn load(cert: &Path, key: &Path) -> Result<Tls, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| format!("无法读取证书文件 {}（应为 PEM 格式）：{e}", cert.display()))?;
    let Some(first) = chain.first() else {
        return Err(format!("证书文件 {} 中没有证书（应含 -----BEGIN CERTIFICATE-----）", cert.display()));
    };
    let own = first.to_vec();
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
    Ok(Tls { config: Arc::new(config), cert: own })
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
