//! Mail adapter: [`LettreMailer`] implements the application's `Mailer` port
//! with lettre, over SMTP (STARTTLS or implicit TLS) in production, or into a
//! directory of `.eml` files on a developer's machine and in tests.
//!
//! Outer ring of the hexagon: depends on `rr-application` and `rr-domain` only.
//! Entry points: [`MailSettings`], [`LettreMailer::new`].

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rr_application::ports::{MailError, Mailer, OutgoingEmail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `[mail]`: how outgoing mail leaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// Sender, e.g. `Ressources Relationnelles <ne-pas-repondre@exemple.gouv.fr>`.
    pub from: String,
    /// `smtp` or `directory`.
    pub transport: Transport,
    /// Where `.eml` files go with the `directory` transport.
    pub directory: PathBuf,
    /// SMTP relay, for the `smtp` transport.
    pub smtp: SmtpSettings,
}

/// How mail leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// To an SMTP relay.
    Smtp,
    /// Into a directory, one `.eml` file per message (development, tests).
    Directory,
}

/// `[mail.smtp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Relay host.
    pub host: String,
    /// Relay port (587 STARTTLS, 465 implicit TLS).
    pub port: u16,
    /// `starttls` or `tls`. Plain text is not offered.
    pub security: SmtpSecurity,
    /// User name, if the relay wants one.
    pub username: Option<String>,
    /// Password, if the relay wants one.
    pub password: Option<SecretString>,
}

/// Transport security to the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Upgrade with STARTTLS (required, not opportunistic).
    Starttls,
    /// TLS from the first byte.
    Tls,
}

/// Why the mailer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    /// The sender address does not parse.
    #[error("mail.from is not a mailbox: {0}")]
    From(String),
    /// The relay settings are unusable.
    #[error("mail.smtp is unusable: {0}")]
    Smtp(String),
    /// The outbox directory cannot be created.
    #[error("cannot create the mail directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

enum Sender {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Directory(AsyncFileTransport<Tokio1Executor>),
}

/// [`Mailer`] with lettre.
pub struct LettreMailer {
    from: Mailbox,
    sender: Sender,
}

impl std::fmt::Debug for LettreMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match self.sender {
            Sender::Smtp(_) => "smtp",
            Sender::Directory(_) => "directory",
        };
        f.debug_struct("LettreMailer")
            .field("transport", &transport)
            .finish_non_exhaustive()
    }
}

impl LettreMailer {
    /// A mailer for these settings. Nothing is contacted yet.
    ///
    /// # Errors
    /// [`MailSetupError`] for a bad sender, relay or directory.
    pub fn new(settings: &MailSettings) -> Result<Self, MailSetupError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| MailSetupError::From(format!("{e}")))?;
        let sender = match settings.transport {
            Transport::Directory => {
                std::fs::create_dir_all(&settings.directory).map_err(|source| {
                    MailSetupError::Directory {
                        path: settings.directory.display().to_string(),
                        source,
                    }
                })?;
                Sender::Directory(AsyncFileTransport::new(&settings.directory))
            }
            Transport::Smtp => {
                let smtp = &settings.smtp;
                let builder = match smtp.security {
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
                }
                .map_err(|e| MailSetupError::Smtp(e.to_string()))?
                .port(smtp.port);
                let builder = match (&smtp.username, &smtp.password) {
                    (Some(user), Some(password)) => builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    )),
                    (None, None) => builder,
                    _ => {
                        return Err(MailSetupError::Smtp(
                            "give both mail.smtp.username and mail.smtp.password, or neither"
                                .into(),
                        ));
                    }
                };
                Sender::Smtp(builder.build())
            }
        };
        Ok(Self { from, sender })
    }
}

#[async_trait]
impl Mailer for LettreMailer {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .as_str()
            .parse()
            .map_err(|e| MailError(Box::new(e)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(email.body)
            .map_err(|e| MailError(Box::new(e)))?;
        match &self.sender {
            // Handed to a background task: the request does not wait on the
            // relay, so answers take the same time whether or not mail is sent.
            Sender::Smtp(transport) => {
                let transport = transport.clone();
                tokio::spawn(async move {
                    if let Err(err) = transport.send(message).await {
                        tracing::warn!(error = %err, "mail refused by the relay");
                    }
                });
                Ok(())
            }
            Sender::Directory(transport) => transport
                .send(message)
                .await
                .map(drop)
                .map_err(|e| MailError(Box::new(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use rr_domain::identity::Email;

    use super::*;

    fn settings(directory: PathBuf) -> MailSettings {
        MailSettings {
            from: "Ressources Relationnelles <ne-pas-repondre@exemple.fr>".into(),
            transport: Transport::Directory,
            directory,
            smtp: SmtpSettings {
                host: "localhost".into(),
                port: 587,
                security: SmtpSecurity::Starttls,
                username: None,
                password: None,
            },
        }
    }

    #[tokio::test]
    async fn the_directory_transport_writes_one_eml_file_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = LettreMailer::new(&settings(dir.path().join("outbox"))).unwrap();

        mailer
            .send(OutgoingEmail {
                to: Email::parse("lea@exemple.fr").unwrap(),
                subject: "Confirmez votre adresse électronique".into(),
                body: "Bonjour, voici le lien : https://exemple.fr/?jeton=abc".into(),
            })
            .await
            .unwrap();

        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
        let content = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(content.contains("To: lea@exemple.fr"));
    }

    #[test]
    fn half_given_smtp_credentials_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut smtp = settings(dir.path().to_path_buf());
        smtp.transport = Transport::Smtp;
        smtp.smtp.username = Some("relay-user".into());
        assert!(matches!(
            LettreMailer::new(&smtp),
            Err(MailSetupError::Smtp(_))
        ));
    }

    #[test]
    fn a_bad_sender_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = settings(dir.path().to_path_buf());
        bad.from = "not a mailbox".into();
        assert!(matches!(
            LettreMailer::new(&bad),
            Err(MailSetupError::From(_))
        ));
    }
}
