//! The mail a notification sends, in French.
//!
//! It says what kind of thing happened and links to the inbox; it quotes
//! nothing — no comment, no title, no moderator's reason — because mail
//! crosses relays and mailboxes outside the platform, where a hidden comment
//! or a resource's sensitive subject must not follow.

use rr_domain::community::{ContentRef, NotificationKind};
use rr_domain::identity::Email;

use crate::ports::OutgoingEmail;

/// The subject and the sentence that tell `kind`.
fn wording(kind: &NotificationKind) -> (&'static str, &'static str) {
    match kind {
        NotificationKind::ResourceApproved { .. } => (
            "Votre ressource est publiée",
            "Une ressource que vous avez proposée a été validée par la modération et publiée.",
        ),
        NotificationKind::ResourceRejected { .. } => (
            "Votre ressource n'a pas été retenue",
            "Une ressource que vous avez proposée n'a pas été retenue par la modération. \
             Le motif figure dans vos notifications ; vous pouvez la modifier et la proposer à nouveau.",
        ),
        NotificationKind::ResourceSuspended { .. } => (
            "Votre ressource est suspendue",
            "Une de vos ressources publiées a été suspendue par la modération. \
             Le motif figure dans vos notifications.",
        ),
        NotificationKind::ResourceReinstated { .. } => (
            "Votre ressource est de nouveau publiée",
            "Une de vos ressources suspendues est de nouveau visible.",
        ),
        NotificationKind::CommentReply { .. } => (
            "Nouvelle réponse à votre commentaire",
            "Quelqu'un a répondu à l'un de vos commentaires.",
        ),
        NotificationKind::ContentHidden { target, reason } => match (target, reason) {
            (ContentRef::Resource(_), None) => (
                "Votre ressource est masquée",
                "Une de vos ressources a été signalée et reste masquée en attendant l'examen de la modération.",
            ),
            (ContentRef::Resource(_), Some(_)) => (
                "Votre ressource est masquée",
                "Une de vos ressources a été masquée par la modération. Le motif figure dans vos notifications.",
            ),
            (ContentRef::Comment { .. }, None) => (
                "Votre commentaire est masqué",
                "Un de vos commentaires a été signalé et reste masqué en attendant l'examen de la modération.",
            ),
            (ContentRef::Comment { .. }, Some(_)) => (
                "Votre commentaire est masqué",
                "Un de vos commentaires a été masqué par la modération. Le motif figure dans vos notifications.",
            ),
        },
        NotificationKind::ContentRestored { target } => match target {
            ContentRef::Resource(_) => (
                "Votre ressource est de nouveau visible",
                "Une de vos ressources masquées est de nouveau visible.",
            ),
            ContentRef::Comment { .. } => (
                "Votre commentaire est de nouveau visible",
                "Un de vos commentaires masqués est de nouveau visible.",
            ),
        },
    }
}

/// The mail telling `to` about `kind`, linking to the inbox on the web
/// client at `frontend_url`.
pub(super) fn notification(
    to: Email,
    kind: &NotificationKind,
    frontend_url: &str,
) -> OutgoingEmail {
    let (subject, what) = wording(kind);
    OutgoingEmail {
        to,
        subject: subject.into(),
        body: format!(
            "Bonjour,\n\n{what}\n\nRetrouvez le détail dans vos notifications :\n\n{frontend_url}/compte/notifications\n\n\
             Vous recevez ce message parce que vous avez accepté les communications de Ressources Relationnelles. \
             Vous pouvez retirer ce consentement à tout moment depuis votre compte.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use rr_domain::community::CommentId;
    use rr_domain::resource::ResourceId;

    use super::*;

    #[test]
    fn the_mail_quotes_no_reason_and_links_to_the_inbox() {
        let kind = NotificationKind::ResourceRejected {
            resource: ResourceId::generate(),
            reason: "Le lien ne fonctionne pas".into(),
        };
        let mail = notification(
            Email::parse("lea@exemple.fr").unwrap(),
            &kind,
            "https://rr.exemple.fr",
        );
        assert_eq!(mail.to.as_str(), "lea@exemple.fr");
        assert!(!mail.body.contains("Le lien ne fonctionne pas"));
        assert!(
            mail.body
                .contains("https://rr.exemple.fr/compte/notifications")
        );
    }

    #[test]
    fn hidden_content_is_told_apart_by_target_and_by_who_hid_it() {
        let resource = ResourceId::generate();
        let comment = ContentRef::Comment {
            comment: CommentId::generate(),
            resource,
        };
        let hidden = |target, reason: Option<&str>| {
            wording(&NotificationKind::ContentHidden {
                target,
                reason: reason.map(Into::into),
            })
            .1
        };
        let texts = [
            hidden(ContentRef::Resource(resource), None),
            hidden(ContentRef::Resource(resource), Some("x")),
            hidden(comment, None),
            hidden(comment, Some("x")),
        ];
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
