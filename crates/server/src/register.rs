//! The register of processing activities (GDPR Art. 30) as Markdown:
//! `docs/rgpd/register.md` is the document `GET
//! /api/v1/privacy/processing-register` serves, rendered here, and a test
//! fails when they differ (`UPDATE_RGPD_REGISTER=1` rewrites the file).

use std::fmt::Write;

use rr_http::routes::processing_register::ActivityResponse;
pub use rr_http::routes::processing_register::ProcessingRegisterResponse;

use crate::Settings;

/// The register the API serves with `settings`.
///
/// # Errors
/// When `[retention]` is inconsistent.
pub fn document(settings: &Settings) -> anyhow::Result<ProcessingRegisterResponse> {
    let service = crate::wiring::processing_register(settings)?;
    Ok(ProcessingRegisterResponse::from(service.register()))
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn list(out: &mut String, title: &str, items: &[String]) {
    let _ = writeln!(out, "**{title}**\n");
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
    out.push('\n');
}

fn activity(out: &mut String, n: usize, activity: &ActivityResponse) {
    let _ = writeln!(out, "### {n}. {} (`{}`)\n", activity.name, activity.id);
    list(out, "Finalités", &activity.purposes);
    let basis = &activity.legal_basis;
    let _ = writeln!(
        out,
        "**Base légale** : {} — article {} du RGPD. {}.\n",
        basis.label, basis.article, basis.detail
    );
    list(out, "Catégories de données", &activity.data_categories);
    list(out, "Personnes concernées", &activity.data_subjects);
    list(out, "Destinataires", &activity.recipients);
    let _ = writeln!(
        out,
        "**Durées de conservation**\n\n| Données | Durée | Paramètre |\n|---|---|---|"
    );
    for retention in &activity.retention {
        let setting = retention
            .period
            .as_ref()
            .map_or_else(|| "—".to_owned(), |p| format!("`{}`", p.category));
        let _ = writeln!(
            out,
            "| {} | {} | {setting} |",
            cell(&retention.data),
            cell(&retention.text)
        );
    }
    let transfers = if activity.transfers_outside_eu.is_empty() {
        "aucun".to_owned()
    } else {
        activity.transfers_outside_eu.join(" ; ")
    };
    let _ = writeln!(
        out,
        "\n**Transferts hors de l'Union européenne** : {transfers}.\n"
    );
}

/// `register` as the Markdown of `docs/rgpd/register.md`.
#[must_use]
pub fn markdown(register: &ProcessingRegisterResponse) -> String {
    let mut out = String::new();
    out.push_str(
        "# Registre des activités de traitement\n\n\
         <!-- Produit par `rr-server gdpr register` avec la configuration livrée ; ne pas \
         modifier à la main : un test compare ce fichier au registre que sert l'API \
         (UPDATE_RGPD_REGISTER=1 le réécrit). -->\n\n\
         Registre tenu au titre de l'article 30 du RGPD. Le même registre est servi, lisible \
         par machine, par `GET /api/v1/privacy/processing-register`. Ses durées de \
         conservation sont celles que la plateforme applique : elles sont lues dans la \
         configuration (`[retention]`, `notifications.retention_days`, `exports.ttl_days`, \
         `erasure.username_reservation_days`) par la purge nocturne (`rr-server gdpr purge`) \
         comme par ce registre ; ce fichier montre les valeurs livrées.\n\n",
    );
    let _ = writeln!(
        out,
        "- **Responsable du traitement** : {}\n- **Délégué à la protection des données** : {}\n\
         - **Transferts hors de l'Union européenne** : aucun, pour aucune activité.\n",
        register.controller.name, register.controller.data_protection_officer
    );
    out.push_str("## Activités de traitement\n\n");
    for (n, item) in register.activities.iter().enumerate() {
        activity(&mut out, n + 1, item);
    }
    out.push_str("## Mesures de sécurité techniques et organisationnelles\n\n");
    for measure in &register.security_measures {
        let _ = writeln!(out, "- {measure}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_and_pipes_are_escaped() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
