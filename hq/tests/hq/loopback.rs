//! The one way these tests start HQ: the real server ([`fengqiao_hq::run`]) on a free
//! loopback port, in a runtime of its own, stopped and joined (its result checked) when the
//! test is done with it.

use fengqiao::api::Api;

/// HQ serving on loopback.
pub struct Loopback {
    /// The runtime the server runs on (for other tasks a test needs beside it).
    pub rt: tokio::runtime::Runtime,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Loopback {
    /// Serves `hq` on a free port.
    pub fn start(hq: Api) -> Loopback {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = rt.spawn(fengqiao_hq::run(listener, hq, async {
            let _ = stopped.await;
        }));
        Loopback { rt, base, stop, server }
    }

    /// Asks the server to stop and waits for it: it must shut down cleanly.
    pub fn stop(self) {
        let _ = self.stop.send(());
        self.rt.block_on(self.server).unwrap().unwrap();
    }
}
