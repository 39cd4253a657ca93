use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A TCP relay in front of a database, that a test can cut and restore to
/// simulate an outage without stopping the shared server.
#[derive(Debug)]
pub struct TcpProxy {
    listen: SocketAddr,
    upstream: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl TcpProxy {
    /// Starts relaying from a free local port to `upstream`.
    ///
    /// # Errors
    /// When no local port can be bound.
    pub async fn start(upstream: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let proxy = Self {
            listen: listener.local_addr()?,
            upstream,
            tasks: Arc::new(Mutex::new(Vec::new())),
        };
        proxy.accept_on(listener);
        Ok(proxy)
    }

    /// The local port clients should connect to.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.listen.port()
    }

    fn accept_on(&self, listener: TcpListener) {
        let upstream = self.upstream;
        let tasks = Arc::clone(&self.tasks);
        let acceptor = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                if let Ok(mut tasks) = tasks.lock() {
                    tasks.push(relay);
                }
            }
        });
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.push(acceptor);
        }
    }

    /// Drops every connection and refuses new ones: the database is "down".
    pub fn cut(&self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            for task in tasks.drain(..) {
                task.abort();
            }
        }
    }

    /// Accepts connections again on the same port: the database is "back".
    ///
    /// # Errors
    /// When the port cannot be bound again.
    pub async fn restore(&self) -> anyhow::Result<()> {
        // The aborted listener may take a moment to release the port.
        let mut last_error = None;
        for _ in 0..50 {
            match TcpListener::bind(self.listen).await {
                Ok(listener) => {
                    self.accept_on(listener);
                    return Ok(());
                }
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Err(last_error.map_or_else(|| anyhow::anyhow!("cannot rebind"), anyhow::Error::from))
            .context("rebinding the proxy port")
    }
}
