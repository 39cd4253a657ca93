//! `GET /api/v1/privacy/processing-register`: the register of processing
//! activities (GDPR Art. 30), public and machine-readable. Its retention
//! periods are read from the configuration the purge applies (ADR 0025);
//! `docs/rgpd/register.md` is this document rendered, and a test fails when
//! they disagree.

use actix_web::{HttpResponse, get, web};
use rr_application::services::ProcessingRegisterService;
use rr_domain::compliance::{ProcessingActivity, ProcessingRegister, Retention, RetentionTerm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A legal basis of GDPR Art. 6(1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalBasisResponse {
    /// `consent`, `legal_obligation` or `public_task`.
    #[schema(example = "public_task")]
    pub code: String,
    /// The article.
    #[schema(example = "6(1)(e)")]
    pub article: String,
    /// In French.
    #[schema(example = "Mission d'intérêt public")]
    pub label: String,
    /// Why that basis, in French.
    pub detail: String,
}

/// A retention period the platform applies, from its configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PeriodResponse {
    /// The setting it comes from (`inactive_accounts`, `audit_log`, …).
    #[schema(example = "inactive_accounts")]
    pub category: String,
    /// How many units.
    #[schema(example = 3)]
    pub amount: u32,
    /// `days`, `months` or `years`.
    #[schema(example = "years")]
    pub unit: String,
    /// From when it runs, in French.
    #[schema(example = "après la dernière connexion ou le dernier renouvellement de session")]
    pub counted_from: String,
}

/// How long one kind of data is kept: a configured period, or a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetentionResponse {
    /// The data, in French.
    pub data: String,
    /// The period applied, when it is one; absent for a rule.
    pub period: Option<PeriodResponse>,
    /// In French: the period in words (`3 ans après …`), or the rule.
    pub text: String,
}

/// One processing activity (Art. 30(1)(b) to (g)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivityResponse {
    /// Stable machine name.
    #[schema(example = "accounts")]
    pub id: String,
    /// Name, in French.
    #[schema(example = "Comptes et authentification")]
    pub name: String,
    /// Purposes.
    pub purposes: Vec<String>,
    /// Legal basis.
    pub legal_basis: LegalBasisResponse,
    /// Categories of personal data.
    pub data_categories: Vec<String>,
    /// Categories of data subjects.
    pub data_subjects: Vec<String>,
    /// Recipients.
    pub recipients: Vec<String>,
    /// Retention of each kind of data.
    pub retention: Vec<RetentionResponse>,
    /// Transfers outside the European Union: none, so empty.
    pub transfers_outside_eu: Vec<String>,
}

/// The controller and its data protection officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControllerResponse {
    /// Name and contact details.
    pub name: String,
    /// Contact details of the data protection officer.
    pub data_protection_officer: String,
}

/// The register of processing activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProcessingRegisterResponse {
    /// Who answers for the processing (Art. 30(1)(a)).
    pub controller: ControllerResponse,
    /// The activities.
    pub activities: Vec<ActivityResponse>,
    /// Technical and organisational security measures (Art. 30(1)(g)).
    pub security_measures: Vec<String>,
}

fn strings(items: &[&'static str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn retention(retention: &Retention) -> RetentionResponse {
    match retention.term {
        RetentionTerm::Configured {
            category,
            span,
            counted_from,
        } => RetentionResponse {
            data: retention.data.to_owned(),
            period: Some(PeriodResponse {
                category: category.as_str().to_owned(),
                amount: span.amount(),
                unit: span.unit().to_owned(),
                counted_from: counted_from.to_owned(),
            }),
            text: format!("{span} {counted_from}"),
        },
        RetentionTerm::Rule(rule) => RetentionResponse {
            data: retention.data.to_owned(),
            period: None,
            text: rule.to_owned(),
        },
    }
}

fn activity(activity: &ProcessingActivity) -> ActivityResponse {
    ActivityResponse {
        id: activity.id.to_owned(),
        name: activity.name.to_owned(),
        purposes: strings(&activity.purposes),
        legal_basis: LegalBasisResponse {
            code: activity.legal_basis.as_str().to_owned(),
            article: activity.legal_basis.article().to_owned(),
            label: activity.legal_basis.label().to_owned(),
            detail: activity.legal_basis_detail.to_owned(),
        },
        data_categories: strings(&activity.data_categories),
        data_subjects: strings(&activity.data_subjects),
        recipients: strings(&activity.recipients),
        retention: activity.retention.iter().map(retention).collect(),
        transfers_outside_eu: activity
            .transfers_outside_eu
            .iter()
            .map(|t| (*t).to_owned())
            .collect(),
    }
}

impl From<&ProcessingRegister> for ProcessingRegisterResponse {
    fn from(register: &ProcessingRegister) -> Self {
        Self {
            controller: ControllerResponse {
                name: register.controller.name.clone(),
                data_protection_officer: register.controller.data_protection_officer.clone(),
            },
            activities: register.activities.iter().map(activity).collect(),
            security_measures: strings(&register.security_measures),
        }
    }
}

/// Register of processing activities
///
/// What the platform does with personal data (GDPR Art. 30): for each
/// activity its purposes, legal basis, categories of data and of people,
/// recipients, retention periods and transfers outside the European Union
/// (none); and the security measures. The periods are those the platform
/// applies, read from its configuration. Public.
#[utoipa::path(
    tag = "Privacy",
    responses((status = 200, description = "The register.", body = ProcessingRegisterResponse))
)]
#[get("/privacy/processing-register")]
pub async fn processing_register(register: web::Data<ProcessingRegisterService>) -> HttpResponse {
    HttpResponse::Ok().json(ProcessingRegisterResponse::from(register.register()))
}
