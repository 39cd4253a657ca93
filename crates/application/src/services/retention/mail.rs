//! The mail that warns a person their inactive account will be erased.
//!
//! It names no one and quotes nothing: no username, no name, nothing of what
//! the account holds. The address it goes to is the only personal datum it
//! needs.

use rr_domain::compliance::Span;
use rr_domain::identity::Email;
use time::{Date, Month};

use crate::ports::OutgoingEmail;

/// `29 décembre 2026`.
fn french_date(date: Date) -> String {
    let month = match date.month() {
        Month::January => "janvier",
        Month::February => "février",
        Month::March => "mars",
        Month::April => "avril",
        Month::May => "mai",
        Month::June => "juin",
        Month::July => "juillet",
        Month::August => "août",
        Month::September => "septembre",
        Month::October => "octobre",
        Month::November => "novembre",
        Month::December => "décembre",
    };
    format!("{} {month} {}", date.day(), date.year())
}

/// The warning to `to`: their account, unused for nearly `inactivity`, is
/// erased from `erased_from` unless they log in on the web client at
/// `frontend_url` before.
pub(super) fn inactivity_warning(
    to: Email,
    inactivity: Span,
    erased_from: Date,
    frontend_url: &str,
) -> OutgoingEmail {
    let date = french_date(erased_from);
    OutgoingEmail {
        to,
        subject: "Votre compte Ressources Relationnelles va être supprimé".into(),
        body: format!(
            "Bonjour,\n\n\
             Votre compte Ressources Relationnelles n'a pas été utilisé depuis près de {inactivity}. \
             Les comptes inactifs sont supprimés au bout de {inactivity} : le vôtre le sera à partir \
             du {date} si vous ne vous connectez pas d'ici là.\n\n\
             Pour le conserver, il suffit de vous connecter :\n\n{frontend_url}/connexion\n\n\
             La suppression efface vos données personnelles. Vos ressources publiées et vos \
             commentaires resteront visibles sous le nom « Utilisateur supprimé » ; si vous \
             préférez qu'ils disparaissent, connectez-vous et supprimez vous-même votre compte \
             en choisissant de supprimer vos contenus.\n\n\
             Ce message ne vous sera pas renvoyé.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_warning_gives_the_date_and_the_way_to_keep_the_account_and_nothing_else() {
        let mail = inactivity_warning(
            Email::parse("lea@exemple.fr").unwrap(),
            Span::Years(3),
            date!(2026 - 12 - 29),
            "https://rr.exemple.fr",
        );
        assert_eq!(mail.to.as_str(), "lea@exemple.fr");
        assert!(mail.body.contains("depuis près de 3 ans"));
        assert!(mail.body.contains("à partir du 29 décembre 2026"));
        assert!(mail.body.contains("https://rr.exemple.fr/connexion"));
        assert!(!mail.body.contains("lea"));
    }

    #[test]
    fn dates_are_written_in_french() {
        assert_eq!(french_date(date!(2027 - 02 - 01)), "1 février 2027");
        assert_eq!(french_date(date!(2026 - 08 - 15)), "15 août 2026");
    }
}
