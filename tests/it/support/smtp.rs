//! A small SMTP server for tests: it records what it receives, and can refuse service,
//! reject chosen recipients or hold its answer to a message, so delivery, retries and a
//! worker dying mid-send are tested over a real connection.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

/// One message received and not yet answered: send `()` (or drop it) to answer it.
pub type Release = oneshot::Sender<()>;

#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

#[derive(Default)]
struct Shared {
    refusing: AtomicBool,
    received: Mutex<Vec<Received>>,
    rejected_recipients: Mutex<Vec<String>>,
    holding: Mutex<Option<mpsc::UnboundedSender<Release>>>,
}

pub struct FakeSmtp {
    pub address: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeSmtp {
    pub async fn start() -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let for_server = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, for_server.clone()));
            }
        });
        FakeSmtp { address, shared }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// While refusing, every connection gets "421 service not available" (a transient failure).
    pub fn set_refusing(&self, refusing: bool) {
        self.shared.refusing.store(refusing, Ordering::SeqCst);
    }

    /// RCPT TO this address gets "550 no such user" (a permanent failure).
    pub fn reject_recipient(&self, address: &str) {
        self.shared
            .rejected_recipients
            .lock()
            .unwrap()
            .push(address.to_owned());
    }

    /// From now on each message is recorded as received, then its "250 Queued" waits for
    /// the test: the receiver yields one [`Release`] per message held.
    pub fn hold_answers(&self) -> mpsc::UnboundedReceiver<Release> {
        let (sender, receiver) = mpsc::unbounded_channel();
        *self.shared.holding.lock().unwrap() = Some(sender);
        receiver
    }

    /// Answers messages at once again.
    pub fn stop_holding(&self) {
        *self.shared.holding.lock().unwrap() = None;
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if shared.refusing.load(Ordering::SeqCst) {
        let _ = write
            .write_all(b"421 4.3.2 Service not available\r\n")
            .await;
        return;
    }
    let _ = write.write_all(b"220 fake.smtp ESMTP\r\n").await;
    let (mut mail_from, mut rcpt_to) = (String::new(), Vec::new());
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-fake.smtp\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = line[10..].trim().to_owned();
            rcpt_to.clear();
            b"250 2.1.0 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let to = line[8..].trim().trim_matches(['<', '>']).to_owned();
            if shared.rejected_recipients.lock().unwrap().contains(&to) {
                b"550 5.1.1 No such user\r\n"
            } else {
                rcpt_to.push(to);
                b"250 2.1.5 OK\r\n"
            }
        } else if upper == "DATA" {
            let _ = write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await;
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
                data.push_str("\r\n");
            }
            shared.received.lock().unwrap().push(Received {
                mail_from: mail_from.clone(),
                rcpt_to: rcpt_to.clone(),
                data,
            });
            let holding = shared.holding.lock().unwrap().clone();
            if let Some(holding) = holding {
                let (release, released) = oneshot::channel();
                if holding.send(release).is_ok() {
                    let _ = released.await;
                }
            }
            b"250 2.0.0 Queued\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 2.0.0 OK\r\n"
        } else {
            b"502 5.5.2 Command not recognised\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
