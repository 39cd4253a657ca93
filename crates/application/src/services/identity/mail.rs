//! The messages the identity use cases send, in French.

use rr_domain::identity::Email;

use crate::ports::OutgoingEmail;

pub(super) fn verification(to: Email, link: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: "Confirmez votre adresse électronique".into(),
        body: format!(
            "Bonjour,\n\nPour activer votre compte Ressources Relationnelles, ouvrez ce lien dans les 24 heures :\n\n{link}\n\n\
             Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.\n"
        ),
    }
}

pub(super) fn already_registered(to: Email, reset_hint: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: "Tentative d'inscription avec votre adresse".into(),
        body: format!(
            "Bonjour,\n\nQuelqu'un a tenté de créer un compte Ressources Relationnelles avec votre adresse, \
             qui en possède déjà un. Si c'était vous et que vous avez oublié votre mot de passe : {reset_hint}\n\n\
             Sinon, aucune action n'est nécessaire.\n"
        ),
    }
}

pub(super) fn password_reset(to: Email, link: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: "Réinitialisation de votre mot de passe".into(),
        body: format!(
            "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :\n\n{link}\n\n\
             Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.\n"
        ),
    }
}

pub(super) fn invitation(to: Email, link: &str, role: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: "Votre compte Ressources Relationnelles".into(),
        body: format!(
            "Bonjour,\n\nUn compte ({role}) vous a été ouvert. Choisissez votre mot de passe dans les 72 heures :\n\n{link}\n\n\
             Vous devrez ensuite activer la double authentification.\n"
        ),
    }
}

pub(super) fn security_alert(to: Email, what: &str) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject: "Alerte de sécurité sur votre compte".into(),
        body: format!(
            "Bonjour,\n\n{what}\n\nSi ce n'est pas vous, réinitialisez votre mot de passe sans attendre \
             et contactez le support.\n"
        ),
    }
}
