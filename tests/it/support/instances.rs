//! A second app on a test app's database, as a second server process would be: its own
//! pools and its own memory (the session records it keeps), the same secret, and the same
//! movable clock, so a test can say "within a second" by moving it.

use std::net::SocketAddr;

use academy::app;
use academy::config::Config;
use academy::state::AppState;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::TestApp;
use super::app::{Browser, base_settings};

pub struct Instance {
    pub address: SocketAddr,
    shutdown: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    /// Another instance of the site on this app's database and clock.
    pub async fn another_instance(&self) -> Instance {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("local address");
        let vars = base_settings(&self.database, data_dir.path(), address);
        let config = Config::from_map(&vars).expect("test configuration is valid");
        let state = AppState::start(config, self.clock().clone())
            .await
            .expect("the second instance starts")
            .with(|h| h.mailer = academy::email::Mailer::memory());
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(app::serve(
            listener,
            app::router(state),
            shutdown.clone().cancelled_owned(),
        ));
        Instance {
            address,
            shutdown,
            server,
            _data_dir: data_dir,
        }
    }
}

impl Instance {
    /// A new browser (its own cookies) on this instance.
    pub fn browser(&self) -> Browser {
        Browser::new(self.address)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.shutdown.cancel();
        self.server.abort();
    }
}
