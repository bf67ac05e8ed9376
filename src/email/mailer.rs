//! Where mail goes: an SMTP server, `.eml` files in a folder, or memory (tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

/// The longest one send may take, connecting included: lettre's own timeout (for each
/// read and write on the connection) is set to it, and the whole send is cut off after it.
/// The outbox's lease is derived from it, so no mail is claimed again while a worker may
/// still be talking to the server about it. Each send has its own connection (lettre is
/// built without its pool), so a send cut off here takes its connection with it.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        folder: PathBuf,
    },
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// A mail the in-memory mailer accepted: its recipients and the whole message as sent.
#[derive(Clone, Debug)]
pub struct SentMail {
    pub to: Vec<String>,
    pub raw: String,
}

/// Why a send failed, and whether trying again could help.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl From<SmtpError> for SendError {
    fn from(error: SmtpError) -> Self {
        SendError {
            permanent: error.is_permanent(),
            message: error.to_string(),
        }
    }
}

impl Mailer {
    /// SMTP when `ACADEMY_SMTP_URL` is set, otherwise `.eml` files under the data folder.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        if let Some(url) = &config.smtp_url {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
                .timeout(Some(SEND_TIMEOUT))
                .build();
            return Ok(Mailer::Smtp(transport));
        }
        let folder = config.data_dir.join("mail");
        std::fs::create_dir_all(&folder)?;
        tracing::info!(folder = %folder.display(), "no ACADEMY_SMTP_URL: mail is written as .eml files");
        Ok(Mailer::Files {
            transport: AsyncFileTransport::new(&folder),
            folder,
        })
    }

    pub fn memory() -> Mailer {
        Mailer::Memory(Arc::default())
    }

    /// Sends `message`, giving up after [`SEND_TIMEOUT`] (a transient failure: the server
    /// may or may not have taken it, and a retry carries the same Message-ID).
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        tokio::time::timeout(SEND_TIMEOUT, self.send_now(message))
            .await
            .unwrap_or_else(|_| {
                Err(SendError {
                    message: format!("no answer within {} s", SEND_TIMEOUT.as_secs()),
                    permanent: false,
                })
            })
    }

    async fn send_now(&self, message: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(SendError::from),
            Mailer::Files { transport, folder } => {
                transport.send(message).await.map_err(|e| SendError {
                    message: format!("cannot write mail to {}: {e}", folder.display()),
                    permanent: false,
                })?;
                Ok(())
            }
            Mailer::Memory(sent) => {
                let to = message
                    .envelope()
                    .to()
                    .iter()
                    .map(|a| a.to_string())
                    .collect();
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                sent.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(SentMail { to, raw });
                Ok(())
            }
        }
    }

    /// What the in-memory mailer has accepted so far (empty for other mailers).
    pub fn sent(&self) -> Vec<SentMail> {
        match self {
            Mailer::Memory(sent) => sent.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Vec::new(),
        }
    }
}
