//! The register of processing activities (GDPR Art. 30(1)) of Ressources
//! Relationnelles: what the platform does with personal data, why, on which
//! legal basis, about whom, for whom, for how long and how it is protected.
//!
//! Its retention periods are those the purge applies: the register is built
//! from the same [`RetentionPeriods`], never typed twice.

use crate::compliance::{RetentionCategory, RetentionPeriods, Span};

/// A legal basis of Art. 6(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegalBasis {
    /// (a) The person's consent.
    Consent,
    /// (c) A legal obligation of the controller.
    LegalObligation,
    /// (e) A task carried out in the public interest.
    PublicTask,
}

impl LegalBasis {
    /// Stable machine name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::LegalObligation => "legal_obligation",
            Self::PublicTask => "public_task",
        }
    }

    /// The article: `6(1)(a)`, …
    #[must_use]
    pub const fn article(self) -> &'static str {
        match self {
            Self::Consent => "6(1)(a)",
            Self::LegalObligation => "6(1)(c)",
            Self::PublicTask => "6(1)(e)",
        }
    }

    /// In French.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Consent => "Consentement de la personne",
            Self::LegalObligation => "Obligation légale du responsable de traitement",
            Self::PublicTask => "Mission d'intérêt public",
        }
    }
}

/// How long one kind of data of an activity is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// The data, in French.
    pub data: &'static str,
    /// How long, applied by the nightly purge, or decided otherwise.
    pub term: RetentionTerm,
}

/// A retention period: one the purge applies, or a rule stated in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionTerm {
    /// Applied by `rr-server gdpr purge`, from the configuration.
    Configured {
        /// Which setting.
        category: RetentionCategory,
        /// Its value.
        span: Span,
        /// From when it runs, in French (`après la dernière connexion`).
        counted_from: &'static str,
    },
    /// Decided by an event rather than a period, in French.
    Rule(&'static str),
}

/// One processing activity (Art. 30(1)(b) to (g)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingActivity {
    /// Stable machine name.
    pub id: &'static str,
    /// Name, in French.
    pub name: &'static str,
    /// Purposes.
    pub purposes: Vec<&'static str>,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Why that basis, in French.
    pub legal_basis_detail: &'static str,
    /// Categories of personal data.
    pub data_categories: Vec<&'static str>,
    /// Categories of data subjects.
    pub data_subjects: Vec<&'static str>,
    /// Recipients, within the Ministry and outside.
    pub recipients: Vec<&'static str>,
    /// Retention of each kind of data.
    pub retention: Vec<Retention>,
    /// Transfers outside the European Union: `None`, there are none.
    pub transfers_outside_eu: Option<&'static str>,
}

/// Who answers for the processing (Art. 30(1)(a)): set by the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    /// Name and contact details of the controller.
    pub name: String,
    /// Contact details of its data protection officer.
    pub data_protection_officer: String,
}

/// The register (Art. 30(1)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingRegister {
    /// The controller and its data protection officer.
    pub controller: Controller,
    /// The activities.
    pub activities: Vec<ProcessingActivity>,
    /// General description of the technical and organisational security
    /// measures (Art. 30(1)(g), Art. 32).
    pub security_measures: Vec<&'static str>,
}

impl ProcessingRegister {
    /// Every retention the purge applies, with the activity that states it.
    #[must_use]
    pub fn configured_periods(&self) -> Vec<(&'static str, RetentionCategory, Span)> {
        self.activities
            .iter()
            .flat_map(|activity| {
                activity.retention.iter().filter_map(|r| match r.term {
                    RetentionTerm::Configured { category, span, .. } => {
                        Some((activity.id, category, span))
                    }
                    RetentionTerm::Rule(_) => None,
                })
            })
            .collect()
    }
}

fn configured(
    periods: &RetentionPeriods,
    data: &'static str,
    category: RetentionCategory,
    counted_from: &'static str,
) -> Retention {
    Retention {
        data,
        term: RetentionTerm::Configured {
            category,
            span: periods.of(category),
            counted_from,
        },
    }
}

fn rule(data: &'static str, rule: &'static str) -> Retention {
    Retention {
        data,
        term: RetentionTerm::Rule(rule),
    }
}

/// The register of Ressources Relationnelles kept by `controller`, with
/// `periods`.
#[must_use]
pub fn processing_register(
    controller: Controller,
    periods: &RetentionPeriods,
) -> ProcessingRegister {
    use RetentionCategory as C;
    let citizens = "Citoyens inscrits";
    let staff = "Modérateurs et administrateurs du ministère";
    let host = "L'hébergeur, sous-traitant (art. 28), pour le seul stockage chiffré";
    ProcessingRegister {
        controller,
        activities: vec![
            ProcessingActivity {
                id: "accounts",
                name: "Comptes et authentification",
                purposes: vec![
                    "Créer et gérer le compte d'un citoyen ou d'un membre du personnel",
                    "Authentifier les personnes et protéger leurs sessions",
                    "Avertir puis effacer les comptes inactifs",
                ],
                legal_basis: LegalBasis::PublicTask,
                legal_basis_detail: "Service public numérique de prévention de l'isolement \
                                     et d'information sur les questions sociales et de santé",
                data_categories: vec![
                    "Identité : nom, prénom, nom d'utilisateur",
                    "Coordonnées : adresse électronique, téléphone s'il est donné",
                    "Pays, et région de résidence si la personne la donne",
                    "Authentification : empreinte du mot de passe, secret du second facteur, \
                     codes de secours (empreintes), sessions (début, dernier usage, client)",
                    "Date de la dernière activité (connexion ou renouvellement de session)",
                ],
                data_subjects: vec![citizens, staff],
                recipients: vec![
                    "Administrateurs habilités, pour la gestion des comptes \
                     (chaque lecture de données personnelles est journalisée et visible par la personne)",
                    host,
                ],
                retention: vec![
                    configured(
                        periods,
                        "Compte de citoyen inactif (effacé après un avertissement par courriel ; \
                         jamais un compte dont le traitement est restreint, art. 18)",
                        C::InactiveAccounts,
                        "après la dernière connexion ou le dernier renouvellement de session",
                    ),
                    configured(
                        periods,
                        "Avertissement avant l'effacement d'un compte inactif",
                        C::InactivityNotice,
                        "avant l'effacement",
                    ),
                    configured(
                        periods,
                        "Sessions terminées et liens à usage unique",
                        C::EndedSessions,
                        "après leur expiration ou leur révocation",
                    ),
                    rule(
                        "Compte dont la personne demande l'effacement",
                        "Effacé sans délai : ligne du compte et clé de chiffrement de ses données \
                         supprimées, contenus supprimés ou anonymisés selon son choix",
                    ),
                    configured(
                        periods,
                        "Nom d'utilisateur d'un compte effacé, réservé sous forme d'empreinte \
                         pour que personne ne le reprenne",
                        C::UsernameReservations,
                        "après l'effacement",
                    ),
                ],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "content",
                name: "Ressources, commentaires et suivi",
                purposes: vec![
                    "Publier, partager et commenter des ressources",
                    "Tenir les favoris et la progression de chaque citoyen",
                ],
                legal_basis: LegalBasis::PublicTask,
                legal_basis_detail: "Service public numérique de prévention de l'isolement",
                data_categories: vec![
                    "Ressources et pièces jointes, commentaires, signalements",
                    "Favoris, ressources exploitées ou mises de côté",
                    "Données de santé ou de vie personnelle que le contenu peut révéler (art. 9)",
                ],
                data_subjects: vec![citizens],
                recipients: vec![
                    "Le public, pour les ressources publiques publiées et leurs commentaires visibles",
                    "Les citoyens connectés, pour les ressources restreintes ; \
                     les citoyens désignés, pour les ressources partagées",
                    host,
                ],
                retention: vec![rule(
                    "Contenus",
                    "Tant que le compte existe ; à son effacement, supprimés ou anonymisés \
                         (« Utilisateur supprimé ») selon le choix de la personne",
                )],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "moderation",
                name: "Modération",
                purposes: vec![
                    "Examiner les ressources avant publication et traiter les signalements",
                    "Tracer chaque décision de modération (auteur, date, motif)",
                ],
                legal_basis: LegalBasis::PublicTask,
                legal_basis_detail: "Garantir un espace d'échange respectueux sur un service public",
                data_categories: vec![
                    "Contenus signalés ou examinés, signalements et leurs motifs",
                    "Décisions de modération : modérateur, date, motif",
                ],
                data_subjects: vec![citizens, staff],
                recipients: vec!["Modérateurs et administrateurs", host],
                retention: vec![rule(
                    "Journal de modération",
                    "Pour la durée du service ; le modérateur d'un compte effacé n'y est plus nommé",
                )],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "notifications",
                name: "Notifications et courriels",
                purposes: vec![
                    "Informer chaque personne des décisions sur ses contenus et des réponses reçues",
                    "Envoyer les courriels de service (vérification, réinitialisation, sécurité, \
                     avertissement d'inactivité)",
                    "Envoyer par courriel les notifications et communications, \
                     si la personne y a consenti",
                ],
                legal_basis: LegalBasis::PublicTask,
                legal_basis_detail: "Courriels de service ; les autres courriels seulement avec le \
                                     consentement de la personne (art. 6(1)(a)), retirable à tout moment",
                data_categories: vec![
                    "Adresse électronique",
                    "Notifications (type, date, lecture)",
                ],
                data_subjects: vec![citizens, staff],
                recipients: vec![
                    "Le relais de courrier électronique, sous-traitant (art. 28)",
                    host,
                ],
                retention: vec![configured(
                    periods,
                    "Notifications",
                    C::Notifications,
                    "après leur envoi, lues ou non",
                )],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "statistics",
                name: "Statistiques d'usage",
                purposes: vec![
                    "Mesurer l'usage du catalogue (consultations, recherches, favoris, créations, \
                     inscriptions) pour piloter le service",
                ],
                legal_basis: LegalBasis::PublicTask,
                legal_basis_detail: "Pilotage du service public ; la personne peut s'y opposer \
                                     (art. 21) depuis son compte",
                data_categories: vec![
                    "Consultations et recherches : compte (ou aucun pour un visiteur), ressource \
                     ou filtres de recherche, date ; ni texte recherché, ni adresse IP",
                    "Région de résidence, si la personne l'a donnée",
                ],
                data_subjects: vec![citizens, "Visiteurs sans compte (sans identifiant)"],
                recipients: vec![
                    "Administrateurs, en chiffres agrégés seulement : toute case de moins de \
                     statistics.min_cell_people personnes est masquée",
                ],
                retention: vec![
                    configured(
                        periods,
                        "Événements de consultation et de recherche",
                        C::StatisticsEvents,
                        "après la fin du mois où ils ont eu lieu ; ensuite ne restent que leurs \
                         comptes par jour, semaine et mois, sans identifiant",
                    ),
                    rule(
                        "Comptes agrégés par jour, semaine et mois",
                        "Pour la durée du service : ils ne contiennent aucun identifiant et ne sont \
                         publiés qu'avec le masquage des petites cases",
                    ),
                ],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "security",
                name: "Sécurité et traçabilité",
                purposes: vec![
                    "Détecter et instruire les incidents de sécurité",
                    "Tracer les lectures de données personnelles par le personnel, \
                     et les montrer à la personne concernée",
                ],
                legal_basis: LegalBasis::LegalObligation,
                legal_basis_detail: "Sécurité du traitement (art. 32 RGPD)",
                data_categories: vec![
                    "Journal d'audit : action, date, compte auteur et compte concerné \
                     (identifiants), détails sans donnée personnelle",
                    "Journal des accès du personnel : membre du personnel, personne, motif, \
                     champs lus, date",
                ],
                data_subjects: vec![citizens, staff],
                recipients: vec![
                    "Administrateurs et responsables de la sécurité",
                    "La personne concernée, pour le journal des accès à ses données",
                ],
                retention: vec![
                    configured(
                        periods,
                        "Journal d'audit",
                        C::AuditLog,
                        "après l'enregistrement (recommandation CNIL sur la journalisation : 6 mois à 1 an)",
                    ),
                    configured(
                        periods,
                        "Journal des accès du personnel",
                        C::StaffAccessJournal,
                        "après l'accès",
                    ),
                ],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "rights",
                name: "Exercice des droits des personnes",
                purposes: vec![
                    "Fournir à chaque personne l'export de ses données (accès, portabilité)",
                    "Effacer, restreindre, rectifier ; enregistrer les oppositions",
                    "Instruire les demandes reçues hors de l'application, dans le délai légal",
                ],
                legal_basis: LegalBasis::LegalObligation,
                legal_basis_detail: "Articles 12 à 22 du RGPD",
                data_categories: vec![
                    "Demandes d'export : date, état ; archive chiffrée sous la clé de la personne",
                    "Demandes reçues par courrier ou courriel : nature, canal, dates, échéance, \
                     issue, notes du personnel",
                    "Historique des consentements et des choix de la personne",
                ],
                data_subjects: vec![citizens],
                recipients: vec![
                    "La personne elle-même",
                    "Administrateurs habilités, pour les demandes reçues hors de l'application",
                    host,
                ],
                retention: vec![
                    configured(
                        periods,
                        "Archive d'export (supprimée dès son téléchargement)",
                        C::ExportArchives,
                        "après sa production",
                    ),
                    configured(
                        periods,
                        "Trace d'une demande d'export",
                        C::ExportRecords,
                        "après la demande",
                    ),
                    rule(
                        "Choix de la personne (consentements, oppositions) et leur historique",
                        "Aussi longtemps que le compte : la preuve de ce que la personne a accepté",
                    ),
                    rule(
                        "Demandes reçues hors de l'application",
                        "Pour la durée du service : preuve de leur traitement ; \
                         elles perdent le lien avec le compte quand il est effacé",
                    ),
                ],
                transfers_outside_eu: None,
            },
            ProcessingActivity {
                id: "breaches",
                name: "Registre des violations de données",
                purposes: vec![
                    "Documenter chaque violation de données, notifiée ou non (art. 33(5))",
                    "Notifier la CNIL sous 72 heures et informer les personnes concernées (art. 34)",
                ],
                legal_basis: LegalBasis::LegalObligation,
                legal_basis_detail: "Articles 33 et 34 du RGPD",
                data_categories: vec![
                    "Description de la violation, catégories et nombre de personnes concernées",
                    "Comptes concernés (identifiants) ; leur adresse électronique, lue pour \
                     les informer et journalisée",
                ],
                data_subjects: vec![citizens, staff],
                recipients: vec![
                    "Administrateurs avec second facteur",
                    "La CNIL, lors de la notification",
                ],
                retention: vec![rule(
                    "Violations",
                    "Pour la durée du service : le registre est la preuve due à la CNIL ; \
                     un compte effacé en sort avec ses données",
                )],
                transfers_outside_eu: None,
            },
        ],
        security_measures: vec![
            "Données personnelles chiffrées champ par champ (XChaCha20-Poly1305), une clé par \
             personne elle-même chiffrée par une clé maîtresse ; adresse recherchée par index aveugle (HMAC)",
            "Mots de passe hachés avec argon2id (au moins 19 Mio, 2 passes) ; politique de la CNIL \
             de 2022 et refus des mots de passe courants",
            "Jetons d'accès signés (EdDSA) de 15 minutes ; jetons de renouvellement stockés en \
             empreinte, tournants, révoqués en famille en cas de réutilisation",
            "Second facteur (TOTP) obligatoire pour les modérateurs et administrateurs",
            "Limitation des tentatives de connexion par compte et par adresse ; limites \
             d'écriture par compte",
            "Contrôle d'accès par rôle décidé dans la couche applicative ; ce qu'on ne peut voir répond 404",
            "Journal d'audit chaîné par empreintes (falsification détectable) ; journal des \
             lectures de données personnelles par le personnel, visible par la personne",
            "Aucune donnée personnelle dans les journaux techniques (ni adresse, ni jeton, ni IP complète)",
            "Transport chiffré (TLS), en-têtes de sécurité, tailles et durées de requête bornées",
            "Sauvegardes quotidiennes chiffrées vers une clé publique dont la clé privée reste hors \
             du serveur, et signées ; conservées 14 jours, les clés de données des comptes à part, \
             dans un trousseau conservé 3 jours : un effacement atteint toutes les sauvegardes en \
             4 jours au plus",
            "Statistiques en chiffres agrégés avec masquage des petites cases et des cases \
             complémentaires",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn controller() -> Controller {
        Controller {
            name: "Ministère".into(),
            data_protection_officer: "dpd@exemple.fr".into(),
        }
    }

    #[test]
    fn every_period_the_purge_applies_is_stated_once_with_its_configured_value() {
        let periods = RetentionPeriods {
            inactive_accounts: Span::Years(2),
            statistics_events: Span::Months(13),
            ..RetentionPeriods::default()
        };
        let register = processing_register(controller(), &periods);
        let stated = register.configured_periods();
        for category in RetentionCategory::ALL {
            let found: Vec<Span> = stated
                .iter()
                .filter(|(_, c, _)| *c == category)
                .map(|(_, _, span)| *span)
                .collect();
            assert_eq!(found, [periods.of(category)], "{category:?}");
        }
    }

    #[test]
    fn activities_have_unique_names_and_no_transfer_outside_the_union() {
        let register = processing_register(controller(), &RetentionPeriods::default());
        let mut ids: Vec<&str> = register.activities.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), register.activities.len());
        for activity in &register.activities {
            assert!(activity.transfers_outside_eu.is_none());
            assert!(!activity.purposes.is_empty() && !activity.retention.is_empty());
            assert!(!activity.data_categories.is_empty() && !activity.recipients.is_empty());
        }
    }
}
