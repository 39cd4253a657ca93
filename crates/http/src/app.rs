//! Assembles the actix-web application: routes, app data, middleware, fallbacks.

use std::time::Duration;

use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::web::{self, Bytes};
use rr_application::services::AccountAdminService;
use rr_application::services::AttachmentService;
use rr_application::services::BreachService;
use rr_application::services::CommentService;
use rr_application::services::DataExportService;
use rr_application::services::EngagementService;
use rr_application::services::ErasureService;
use rr_application::services::FeatureFlagService;
use rr_application::services::ModerationService;
use rr_application::services::NotificationService;
use rr_application::services::PrivacyService;
use rr_application::services::ProcessingRegisterService;
use rr_application::services::StatisticsService;
use rr_application::services::SubjectRequestService;
use rr_application::services::{
    HealthService, IdentityService, ReferenceDataService, ResourceService,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::metrics::Metrics;
use crate::middleware::{
    ClientRateLimit, RequestTimeout, observe, problem_fallback, rate_limit, timeout,
};
use crate::openapi::{ApiDoc, CommonResponses};
use crate::problem::{json_error, path_error, query_error};
use crate::routes::attachments;
use crate::routes::breaches;
use crate::routes::comments;
use crate::routes::data_exports;
use crate::routes::docs::OpenApiJson;
use crate::routes::erasure;
use crate::routes::fallback::{RouteTable, not_routed};
use crate::routes::feature_flags;
use crate::routes::notifications;
use crate::routes::privacy;
use crate::routes::processing_register;
use crate::routes::progress;
use crate::routes::statistics;
use crate::routes::subject_requests;
use crate::routes::version::VersionInfo;
use crate::routes::{access_log, admin_accounts};
use crate::routes::{
    admin, auth, catalogue, categories, docs, health, jwks, me, metrics, reference_data, resources,
    version,
};
use crate::routes::{moderation, reports};
use crate::settings::HttpSettings;

/// The use cases and shared state the routes need.
#[derive(Debug, Clone)]
pub struct Services {
    /// Reference data use cases.
    pub reference_data: ReferenceDataService,
    /// Probes.
    pub health: HealthService,
    /// Files attached to resources.
    pub attachments: AttachmentService,
    /// Accounts, authentication, sessions and roles.
    pub identity: IdentityService,
    /// Resources for their authors.
    pub resources: ResourceService,
    /// Favourites and progress.
    pub engagement: EngagementService,
    /// Comments on resources.
    pub comments: CommentService,
    /// Each account's inbox of notifications.
    pub notifications: NotificationService,
    /// Reports, the moderators' queue and decisions, the moderation log.
    pub moderation: ModerationService,
    /// The administrators' statistics.
    pub statistics: StatisticsService,
    /// Account administration and the staff access journal.
    pub accounts: AccountAdminService,
    /// The privacy policy, consents and restriction.
    pub privacy: PrivacyService,
    /// Exports of persons' data (access and portability).
    pub data_exports: DataExportService,
    /// Erasing accounts.
    pub erasure: ErasureService,
    /// Data-subject requests received outside the application.
    pub subject_requests: SubjectRequestService,
    /// The register of processing activities (GDPR Art. 30).
    pub processing_register: ProcessingRegisterService,
    /// The register of personal data breaches.
    pub breaches: BreachService,
    /// Feature flags: their administration, and the in-process snapshot
    /// every node answers `GET /api/v1/features` from.
    pub feature_flags: FeatureFlagService,
    /// Budget of each client address on the authentication routes, shared by every worker.
    pub auth_rate_limit: ClientRateLimit,
    /// Metrics registry, shared by every worker.
    pub metrics: Metrics,
    /// What is running.
    pub version: VersionInfo,
}

/// Registers every documented route. Only `.service(...)` registrations reach
/// the OpenAPI document.
fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api/v1/auth")
            .wrap(from_fn(rate_limit))
            .service(auth::register)
            .service(auth::verify_email)
            .service(auth::resend_verification)
            .service(auth::login)
            .service(auth::login_second_factor)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::logout_everywhere)
            .service(auth::request_password_reset)
            .service(auth::reset_password),
    )
    .service(
        utoipa_actix_web::scope("/api/v1/me")
            .service(me::me)
            .service(me::update_me)
            .service(me::change_password)
            .service(me::sessions)
            .service(me::revoke_session)
            .service(me::begin_totp)
            .service(me::confirm_totp)
            .service(me::disable_totp)
            .service(progress::progress)
            .service(progress::progress_list)
            .service(notifications::list)
            .service(notifications::mark_read)
            .service(notifications::mark_all_read)
            .service(resources::mine)
            .service(access_log::access_log)
            .service(privacy::consents)
            .service(privacy::update_consents)
            .service(privacy::restrict)
            .service(privacy::lift_restriction)
            .service(data_exports::request)
            .service(data_exports::list)
            .service(data_exports::read)
            .service(data_exports::download)
            .service(erasure::erase_me),
    )
    .service(
        utoipa_actix_web::scope("/api/v1/admin")
            .service(admin::create_account)
            .service(admin::change_role)
            .service(admin::suspend)
            .service(admin::reactivate)
            .service(admin_accounts::list_accounts)
            .service(admin_accounts::read_account)
            .service(categories::list)
            .service(categories::create)
            .service(categories::change)
            .service(statistics::statistics)
            .service(statistics::statistics_csv)
            .service(moderation::moderation_log)
            .service(privacy::publish_policy)
            .service(subject_requests::record)
            .service(subject_requests::list)
            .service(subject_requests::read)
            .service(subject_requests::extend)
            .service(subject_requests::erase)
            .service(subject_requests::export)
            .service(subject_requests::rectify)
            .service(subject_requests::restrict)
            .service(subject_requests::record_objection)
            .service(subject_requests::close)
            .service(breaches::record)
            .service(breaches::list)
            .service(breaches::read)
            .service(breaches::reassess)
            .service(breaches::notify_authority)
            .service(breaches::notify_people)
            .service(breaches::attach)
            .service(breaches::affected_accounts)
            .service(feature_flags::list)
            .service(feature_flags::create)
            .service(feature_flags::read)
            .service(feature_flags::change)
            .service(feature_flags::remove),
    )
    .service(
        utoipa_actix_web::scope("/api/v1/moderation")
            .service(moderation::moderation_queue)
            .service(moderation::approve_resource)
            .service(moderation::reject_resource)
            .service(moderation::suspend_resource)
            .service(moderation::reinstate_resource)
            .service(moderation::hide_comment)
            .service(moderation::unhide_comment)
            .service(moderation::dismiss_report),
    )
    .service(
        utoipa_actix_web::scope("/api/v1")
            .service(reference_data::list_categories)
            .service(reference_data::list_relation_types)
            .service(reference_data::list_resource_types)
            .service(catalogue::list)
            .service(resources::create)
            .service(resources::read)
            .service(resources::update)
            .service(resources::remove)
            .service(resources::submit)
            .service(resources::archive)
            .service(resources::unarchive)
            .service(progress::add_favourite)
            .service(progress::remove_favourite)
            .service(progress::mark_exploited)
            .service(progress::unmark_exploited)
            .service(progress::set_aside)
            .service(progress::take_back)
            .service(resources::restore)
            .service(comments::thread)
            .service(comments::create)
            .service(comments::update)
            .service(comments::remove)
            .service(reports::create_report)
            .service(attachments::upload)
            .service(attachments::list)
            .service(attachments::download)
            .service(attachments::remove)
            .service(version::version)
            .service(privacy::policy)
            .service(privacy::policy_version)
            .service(privacy::policies)
            .service(processing_register::processing_register)
            .service(feature_flags::features),
    )
    .service(jwks::jwks)
    .service(
        utoipa_actix_web::scope("/health")
            .service(health::live)
            .service(health::ready),
    )
    .service(metrics::metrics)
    .service(docs::openapi_json);
}

/// The OpenAPI document of the routes, with the common responses added.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    CommonResponses.modify(&mut api);
    api
}

/// What every worker shares and is computed once: the serialised OpenAPI
/// document and the route table derived from it.
#[derive(Debug, Clone)]
pub struct Contract {
    document: web::Data<OpenApiJson>,
    table: web::Data<RouteTable>,
}

impl Contract {
    /// Builds the document and the route table.
    ///
    /// # Errors
    /// When the document cannot be serialised (a bug caught by the tests).
    pub fn new() -> Result<Self, serde_json::Error> {
        let api = openapi();
        Ok(Self {
            document: web::Data::new(OpenApiJson(Bytes::from(api.to_json()?))),
            table: web::Data::new(RouteTable::from_openapi(&api)),
        })
    }
}

/// The complete application, one per worker. It borrows nothing from its
/// arguments (`use<>`), so a server factory can build one per worker.
pub fn build(
    services: &Services,
    settings: &HttpSettings,
    contract: &Contract,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
        InitError = (),
    > + use<>,
> {
    let limit = settings.body_limit_bytes;

    let (app, _) = App::new()
        .into_utoipa_app()
        .app_data(web::Data::new(services.reference_data.clone()))
        .app_data(web::Data::new(services.health.clone()))
        .app_data(web::Data::new(services.attachments.clone()))
        .app_data(web::Data::new(services.identity.clone()))
        .app_data(web::Data::new(services.resources.clone()))
        .app_data(web::Data::new(services.engagement.clone()))
        .app_data(web::Data::new(services.statistics.clone()))
        .app_data(web::Data::new(services.comments.clone()))
        .app_data(web::Data::new(services.notifications.clone()))
        .app_data(web::Data::new(services.moderation.clone()))
        .app_data(web::Data::new(services.accounts.clone()))
        .app_data(web::Data::new(services.privacy.clone()))
        .app_data(web::Data::new(services.data_exports.clone()))
        .app_data(web::Data::new(services.erasure.clone()))
        .app_data(web::Data::new(services.subject_requests.clone()))
        .app_data(web::Data::new(services.processing_register.clone()))
        .app_data(web::Data::new(services.breaches.clone()))
        .app_data(web::Data::new(services.feature_flags.clone()))
        .app_data(web::Data::new(services.auth_rate_limit.clone()))
        .app_data(web::Data::new(services.metrics.clone()))
        .app_data(web::Data::new(services.version.clone()))
        .app_data(contract.document.clone())
        .app_data(contract.table.clone())
        .app_data(web::Data::new(RequestTimeout(Duration::from_millis(
            settings.request_timeout_ms,
        ))))
        .app_data(
            web::JsonConfig::default()
                .limit(limit)
                .error_handler(move |err, _| json_error(err, limit).into()),
        )
        .app_data(web::PayloadConfig::new(limit))
        .app_data(web::QueryConfig::default().error_handler(|err, _| query_error(&err).into()))
        .app_data(web::PathConfig::default().error_handler(|err, _| path_error(&err).into()))
        .configure(routes)
        .split_for_parts();

    app.service(docs::scope())
        .default_service(web::to(not_routed))
        .wrap(from_fn(timeout))
        .wrap(from_fn(problem_fallback))
        .wrap(from_fn(observe))
}
