//! What the HTTP tests share: the application on in-memory fakes (a
//! [`World`] of handles the tests assert on, and the [`Services`] built on
//! it), reference data, accounts logged in, stored resources and request
//! helpers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a fixture that cannot unwrap should fail loudly

use std::sync::Arc;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::test::{self, TestRequest};
use rr_application::ports::{Notifier, ReferenceDataRepository, ResourceRecord};
use rr_application::services::identity::{LoginOutcome, StaffAccount};
use rr_application::services::{
    AttachmentPolicy, EngagementPorts, EngagementService, HealthService, ReferenceDataService,
    ResourcePorts, ResourceService, WriteLimitPolicy, WriteLimiter,
};
use rr_application::services::{CommentPolicy, CommentPorts, CommentService};
use rr_application::services::{ModerationPolicy, ModerationPorts, ModerationService};
use rr_application::services::{NotificationPolicy, NotificationPorts, NotificationService};
use rr_application::services::{PrivacyPorts, PrivacyService};
use rr_application::services::{StatisticsPolicy, StatisticsPorts, StatisticsService};
use rr_application::test_util::FakeComments;
use rr_application::test_util::FakeModeration;
use rr_application::test_util::FakeNotifications;
use rr_application::test_util::FakeStatisticsQuery;
use rr_application::test_util::{AccountAdminFixture, account_admin_fixture};
use rr_application::test_util::{
    AttachmentFixture, FakeCatalogue, FakeEngagement, FakeResources, FakeTotp, IdentityFixture,
    InMemoryReferenceData, RecordingStatistics, SwitchableHealth, attachment_fixture,
    identity_fixture,
};
use rr_application::test_util::{DataExportFixture, data_export_fixture};
use rr_application::test_util::{ErasureFixture, erasure_fixture};
use rr_domain::Uuid;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, UserId, Username};
use rr_domain::reference::{Category, Label, ReferenceId, RelationType, ResourceType, Slug};
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Metrics, Services, VersionInfo};
use serde_json::{Value, json};

/// Every account's password.
pub const PASSWORD: &str = "Tournesol-Bleu-2026!";

/// The client address of the requests [`request`] builds.
pub const PEER: &str = "10.0.0.1:1";

// ───────────────────────────── the application ─────────────────────────────

/// The server's settings in tests: generous limits (a test that needs a
/// tighter one overrides it with `..settings()`).
pub fn settings() -> HttpSettings {
    HttpSettings {
        host: "127.0.0.1".into(),
        port: 0,
        workers: 1,
        body_limit_bytes: 65_536,
        request_timeout_ms: 5_000,
        shutdown_timeout_secs: 1,
        auth_requests_per_minute: 6_000,
        auth_burst: 1_000,
        trust_forwarded_for: false,
    }
}

/// The application as `test::init_service` gives it: a service that answers
/// one request at a time.
pub trait TestApp:
    Service<Request, Response = ServiceResponse<Self::Body>, Error = actix_web::Error>
{
    /// The responses' body.
    type Body: MessageBody;
}

impl<S, B> TestApp for S
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Body = B;
}

/// The application on `services`, with `settings` (see [`World::app`] for the
/// usual ones).
pub async fn app_with(services: Services, settings: HttpSettings) -> impl TestApp {
    test::init_service(rr_http::build(
        &services,
        &settings,
        &Contract::new().unwrap(),
    ))
    .await
}

/// The fakes behind the application, with handles on what tests inspect.
/// Build one with [`World::new`] and change what a test needs with
/// `World { reference: …, ..World::new() }`; then [`World::app`].
pub struct World {
    /// Accounts, sessions, mail and clock.
    pub fx: IdentityFixture,
    /// The stored resources (behind resources, catalogue, attachments and
    /// engagement alike).
    pub resources: Arc<FakeResources>,
    /// The consultations and searches counted.
    pub statistics: Arc<RecordingStatistics>,
    /// Attachments and blobs, on [`World::resources`] and the fixture's clock.
    pub attachments: AttachmentFixture,
    /// Categories, relation types and resource types (none by default).
    pub reference: Arc<dyn ReferenceDataRepository>,
    /// Per-account write budgets, on the fixture's clock (the citizen
    /// defaults; a test may build a tighter one on `fx.clock`).
    pub write_limits: Arc<WriteLimiter>,
    /// The inboxes, over the fixture's accounts and [`World::resources`].
    pub notifications: Arc<FakeNotifications>,
    /// Reports, the moderation log and the queue, over [`World::resources`].
    pub moderation: Arc<FakeModeration>,
    /// Comments, over the fixture's accounts.
    pub comments: Arc<FakeComments>,
    /// What the administrators' statistics count, over the fixture's accounts.
    pub statistics_events: Arc<FakeStatisticsQuery>,
    /// Account administration on the fixture, and the staff access journal.
    pub accounts: AccountAdminFixture,
    /// Exports of persons' data on the fixture (text archives, fake data).
    pub exports: DataExportFixture,
    /// Erasure and data-subject requests on the fixture, cleaning
    /// [`World::attachments`] and exporting through [`World::exports`].
    pub erasure: ErasureFixture,
    /// The breach register, over the fixture's accounts (its reads are
    /// journaled in [`World::accounts`]' journal).
    pub breaches: Arc<rr_application::test_util::FakeBreachRegister>,
    /// Where feature flags are stored (what another node would have
    /// written goes straight here).
    pub flag_store: Arc<rr_application::test_util::FakeFeatureFlags>,
    /// The feature flags on [`World::flag_store`]: one service, so its
    /// snapshot is the one the application answers from.
    pub feature_flags: rr_application::services::FeatureFlagService,
}

impl World {
    /// Fresh fakes, no reference data, the default attachment policy.
    pub fn new() -> Self {
        Self::with_attachment_policy(AttachmentPolicy::default())
    }

    /// Fresh fakes, no reference data, attachments under `policy`.
    pub fn with_attachment_policy(policy: AttachmentPolicy) -> Self {
        let fx = identity_fixture();
        let resources = Arc::new(FakeResources::default());
        let attachments = attachment_fixture(resources.clone(), fx.clock.clone(), policy);
        let notifications = Arc::new(FakeNotifications::new(fx.users.clone(), resources.clone()));
        let write_limits = Arc::new(WriteLimiter::new(
            &WriteLimitPolicy::default(),
            fx.clock.clone(),
        ));
        let moderation = Arc::new(FakeModeration::new(resources.clone(), fx.users.clone()));
        let comments = Arc::new(FakeComments::new(fx.users.clone()));
        let statistics_events = Arc::new(FakeStatisticsQuery::new(fx.users.clone()));
        let accounts = account_admin_fixture(&fx);
        let exports =
            data_export_fixture(&fx, rr_application::services::DataExportPolicy::default());
        let erasure = erasure_fixture(
            &fx,
            attachments.service.clone(),
            exports.service.clone(),
            rr_application::services::ErasurePolicy::default(),
        );
        let breaches = Arc::new(rr_application::test_util::FakeBreachRegister::new(
            fx.users.clone(),
        ));
        let flag_store = Arc::new(rr_application::test_util::FakeFeatureFlags::default());
        let feature_flags = rr_application::services::FeatureFlagService::new(
            rr_application::services::FeatureFlagPorts {
                flags: flag_store.clone(),
                audit: fx.audit.clone(),
                clock: fx.clock.clone(),
            },
        );
        Self {
            flag_store,
            feature_flags,
            breaches,
            erasure,
            accounts,
            exports,
            statistics_events,
            fx,
            resources,
            moderation,
            comments,
            statistics: Arc::default(),
            attachments,
            reference: Arc::new(InMemoryReferenceData::default()),
            write_limits,
            notifications,
        }
    }

    /// The notification use cases on [`World::notifications`], mailing
    /// through the fixture's outbox.
    pub fn notification_service(&self) -> NotificationService {
        NotificationService::new(
            NotificationPorts {
                notifications: self.notifications.clone(),
                users: self.fx.users.clone(),
                mailer: self.fx.outbox.clone(),
                cipher: self.fx.cipher.clone(),
                clock: self.fx.clock.clone(),
            },
            NotificationPolicy::default(),
        )
    }

    /// The [`Notifier`] other services are given: the notification service
    /// of [`World::notification_service`].
    pub fn notifier(&self) -> Arc<dyn Notifier> {
        Arc::new(self.notification_service())
    }

    /// The comment use cases on [`World::comments`] and [`World::resources`],
    /// telling through [`World::notifier`], within [`World::write_limits`].
    pub fn comment_service(&self) -> CommentService {
        CommentService::new(
            CommentPorts {
                comments: self.comments.clone(),
                resources: self.resources.clone(),
                users: self.fx.users.clone(),
                notifier: self.notifier(),
                write_limits: self.write_limits.clone(),
                clock: self.fx.clock.clone(),
            },
            CommentPolicy::default(),
        )
    }

    /// The resource use cases on [`World::resources`], recording moderators'
    /// decisions in [`World::moderation`] and telling through [`World::notifier`].
    pub fn resource_service(&self) -> ResourceService {
        let fx = &self.fx;
        ResourceService::new(ResourcePorts {
            resources: self.resources.clone(),
            catalogue: Arc::new(FakeCatalogue::new(self.resources.clone(), fx.users.clone())),
            statistics: self.statistics.clone(),
            users: fx.users.clone(),
            reference_data: self.reference.clone(),
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
            write_limits: self.write_limits.clone(),
            moderation_log: self.moderation.clone(),
            notifier: self.notifier(),
        })
    }

    /// The moderation use cases on [`World::moderation`], [`World::resources`]
    /// and [`World::comments`], under `policy`, within [`World::write_limits`].
    pub fn moderation_service(&self, policy: ModerationPolicy) -> ModerationService {
        let fx = &self.fx;
        ModerationService::new(
            ModerationPorts {
                reports: self.moderation.clone(),
                log: self.moderation.clone(),
                queue: self.moderation.clone(),
                resources: self.resources.clone(),
                comments: self.comments.clone(),
                users: fx.users.clone(),
                notifier: self.notifier(),
                audit: fx.audit.clone(),
                write_limits: self.write_limits.clone(),
                clock: fx.clock.clone(),
            },
            policy,
            self.resource_service(),
        )
    }

    /// The privacy use cases on the fixture's accounts and policies, and its
    /// identity service.
    pub fn privacy_service(&self) -> PrivacyService {
        let fx = &self.fx;
        PrivacyService::new(
            PrivacyPorts {
                policies: fx.policies.clone(),
                consents: fx.users.clone(),
                users: fx.users.clone(),
                audit: fx.audit.clone(),
                clock: fx.clock.clone(),
            },
            fx.service.clone(),
        )
    }

    /// The application on [`World::services`], with [`settings`].
    pub async fn app(&self) -> impl TestApp {
        app_with(self.services(), settings()).await
    }

    /// Every service on this world (engagement on a fresh store over its
    /// resources), a healthy database, a generous rate limit on the
    /// authentication routes and version `0`. A test that needs another
    /// overrides it with `Services { …, ..world.services() }`.
    pub fn services(&self) -> Services {
        let fx = &self.fx;
        Services {
            reference_data: ReferenceDataService::new(self.reference.clone()),
            health: HealthService::new(Arc::new(SwitchableHealth::new(true))),
            attachments: self.attachments.service.clone(),
            identity: fx.service.clone(),
            resources: self.resource_service(),
            engagement: EngagementService::new(EngagementPorts {
                resources: self.resources.clone(),
                users: fx.users.clone(),
                engagement: Arc::new(FakeEngagement::new(
                    self.resources.clone(),
                    fx.users.clone(),
                )),
                clock: fx.clock.clone(),
            }),
            comments: self.comment_service(),
            notifications: self.notification_service(),
            moderation: self.moderation_service(ModerationPolicy::default()),
            statistics: StatisticsService::new(
                StatisticsPorts {
                    query: self.statistics_events.clone(),
                    reference_data: self.reference.clone(),
                    audit: fx.audit.clone(),
                    clock: fx.clock.clone(),
                },
                StatisticsPolicy::default(),
            ),
            accounts: self.accounts.service.clone(),
            data_exports: self.exports.service.clone(),
            erasure: self.erasure.service.clone(),
            subject_requests: self.erasure.requests.clone(),
            privacy: self.privacy_service(),
            processing_register: rr_application::services::ProcessingRegisterService::new(
                &rr_application::services::RetentionPolicy::default(),
            ),
            breaches: rr_application::services::BreachService::new(
                rr_application::services::BreachPorts {
                    breaches: self.breaches.clone(),
                    users: fx.users.clone(),
                    journal: self.accounts.journal.clone(),
                    cipher: fx.cipher.clone(),
                    audit: fx.audit.clone(),
                    clock: fx.clock.clone(),
                },
            ),
            feature_flags: self.feature_flags.clone(),
            auth_rate_limit: ClientRateLimit::new(6_000, 1_000, false),
            metrics: Metrics::new().unwrap(),
            version: VersionInfo {
                name: "rr-server".into(),
                version: "0".into(),
                api_version: "v1".into(),
            },
        }
    }
}

// ───────────────────────────── reference data ─────────────────────────────

/// The ids of the reference data, as `u128`s (see [`reference_id`]).
pub const CATEGORY: u128 = 1;
pub const OTHER_CATEGORY: u128 = 2;
pub const RELATION: u128 = 3;
pub const KIND: u128 = 4;
pub const OTHER_KIND: u128 = 5;

/// A reference id from a small number.
pub fn reference_id(n: u128) -> ReferenceId {
    ReferenceId::from_uuid(Uuid::from_u128(n))
}

/// An active category in first position.
pub fn category(n: u128, slug: &str, label: &str) -> Category {
    Category {
        id: reference_id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(label).unwrap(),
        position: 1,
        active: true,
    }
}

/// A relation type in first position.
pub fn relation_type(n: u128, slug: &str, label: &str) -> RelationType {
    RelationType {
        id: reference_id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(label).unwrap(),
        position: 1,
    }
}

/// A resource type in first position.
pub fn resource_type(n: u128, slug: &str, label: &str) -> ResourceType {
    ResourceType {
        id: reference_id(n),
        slug: Slug::parse(slug).unwrap(),
        label: Label::parse(label).unwrap(),
        position: 1,
    }
}

/// Reference data to store; change part of it with
/// `Reference { categories: …, ..Reference::standard() }`.
pub struct Reference {
    pub categories: Vec<Category>,
    pub relation_types: Vec<RelationType>,
    pub resource_types: Vec<ResourceType>,
}

impl Reference {
    /// The category `parentalite` ([`CATEGORY`]), the relation type
    /// `famille` ([`RELATION`]) and the resource type `article` ([`KIND`]).
    pub fn standard() -> Self {
        Self {
            categories: vec![category(CATEGORY, "parentalite", "Parentalité")],
            relation_types: vec![relation_type(RELATION, "famille", "Famille")],
            resource_types: vec![resource_type(KIND, "article", "Article")],
        }
    }

    /// A store holding exactly these.
    pub fn store(self) -> Arc<dyn ReferenceDataRepository> {
        Arc::new(InMemoryReferenceData::new(
            self.categories,
            self.relation_types,
            self.resource_types,
        ))
    }
}

// ───────────────────────────── requests ─────────────────────────────

/// A response's status, headers and raw body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, `null` when empty or not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header that must be there.
    pub fn header(&self, name: HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name}"))
            .to_str()
            .unwrap()
    }

    /// The `Content-Type`, empty when there is none.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }

    /// A problem document with this status and code.
    pub fn is_problem(&self, status: StatusCode, code: &str) -> bool {
        self.status == status
            && self.content_type() == "application/problem+json"
            && self.json()["code"] == code
    }
}

/// `req` with a bearer `token`.
pub fn with_token(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

/// `req` from [`PEER`], with a bearer `token` when there is one.
pub fn request(req: TestRequest, token: Option<&str>) -> TestRequest {
    let req = req.peer_addr(PEER.parse().unwrap());
    match token {
        Some(t) => with_token(req, t),
        None => req,
    }
}

/// A `POST` of a JSON `body`.
pub fn post(uri: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body)
}

/// Sends a built request.
pub async fn send(app: &impl TestApp, req: Request) -> Answer {
    let response = test::call_service(app, req).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = test::read_body(response).await.to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// Sends `req` (see [`request`]).
pub async fn fetch(app: &impl TestApp, req: TestRequest, token: Option<&str>) -> Answer {
    send(app, request(req, token).to_request()).await
}

/// Sends `req` (see [`request`]); its status and JSON body (`null` when
/// empty).
pub async fn call(
    app: &impl TestApp,
    req: TestRequest,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let answer = fetch(app, req, token).await;
    (answer.status, answer.json())
}

/// The fields a validation problem names, in order.
pub fn problem_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

// ───────────────────────────── accounts ─────────────────────────────

/// The registration of `email` as `username`, every field valid.
pub fn registration(email: &str, username: &str) -> Value {
    json!({
        "email": email, "username": username, "firstName": "Léa", "lastName": "Martin", "country": "FR",
        "password": PASSWORD, "acceptedPolicyVersion": "2026-11", "ageDeclaration": true
    })
}

/// Registers `name` (as `name@exemple.fr`), verifies the address and logs
/// in, over HTTP; the access token.
pub async fn token(app: &impl TestApp, fx: &IdentityFixture, name: &str) -> String {
    let email = format!("{name}@exemple.fr");
    let (status, _) = call(
        app,
        post("/api/v1/auth/register", registration(&email, name)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let verification = fx.outbox.last_token_for(&email).unwrap();
    let (status, _) = call(
        app,
        post(
            "/api/v1/auth/verify-email",
            json!({ "token": verification }),
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(
        app,
        post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["accessToken"].as_str().unwrap().to_owned()
}

/// An account of `role` (as `username@exemple.fr`), created by the
/// bootstrap and logged in, with or without two-factor authentication; its
/// id and access token.
pub async fn account(
    fx: &IdentityFixture,
    username: &str,
    role: Role,
    two_factor: bool,
) -> (UserId, String) {
    let email = Email::parse(&format!("{username}@exemple.fr")).unwrap();
    let id = fx
        .service
        .bootstrap_account(
            StaffAccount {
                email: email.clone(),
                username: Username::parse(username).unwrap(),
                first_name: PersonName::parse("Camille").unwrap(),
                last_name: PersonName::parse("Durand").unwrap(),
                country: CountryCode::parse("FR").unwrap(),
                role,
            },
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    let password = Password::new(PASSWORD);
    let login = || fx.service.login(&email, &password, None);
    let LoginOutcome::Tokens(pair) = login().await.unwrap() else {
        panic!("no second factor yet");
    };
    if !two_factor {
        return (id, pair.access_token);
    }
    let actor = fx.service.authenticate(&pair.access_token).await.unwrap();
    fx.service.begin_totp(&actor).await.unwrap();
    fx.clock.advance(time::Duration::seconds(30));
    fx.service
        .confirm_totp(&actor, &FakeTotp::code_at(fx.clock.now_for_tests()))
        .await
        .unwrap();
    let LoginOutcome::SecondFactorRequired { challenge } = login().await.unwrap() else {
        panic!("a second factor is required");
    };
    fx.clock.advance(time::Duration::seconds(30));
    let code = FakeTotp::code_at(fx.clock.now_for_tests());
    let pair = fx
        .service
        .login_second_factor(&challenge, &code, None)
        .await
        .unwrap();
    let actor = fx.service.authenticate(&pair.access_token).await.unwrap();
    assert!(actor.two_factor, "{username} has two-factor authentication");
    (id, pair.access_token)
}

// ───────────────────────────── resources ─────────────────────────────

/// Creates a draft over HTTP; its id.
pub async fn draft(app: &impl TestApp, token: &str, body: Value) -> Uuid {
    let (status, created) = call(
        app,
        TestRequest::post().uri("/api/v1/resources").set_json(body),
        Some(token),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().parse().unwrap()
}

/// Submits a resource through its route (private and shared ones are
/// published at once; public ones go to review); its new state.
pub async fn submit(app: &impl TestApp, token: &str, id: Uuid) -> String {
    let (status, submitted) = call(
        app,
        TestRequest::post().uri(&format!("/api/v1/resources/{id}/submit")),
        Some(token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    submitted["state"].as_str().unwrap().to_owned()
}

/// A resource of `author`'s as it would be stored, bypassing the use cases:
/// in `state`, published and deleted `now` where the state says so.
pub fn record(
    author: UserId,
    visibility: Visibility,
    state: Lifecycle,
    shared_with: Vec<UserId>,
    now: time::OffsetDateTime,
) -> ResourceRecord {
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("# Écouter\n\nD'abord écouter.").unwrap(),
        category: reference_id(CATEGORY),
        resource_type: reference_id(KIND),
        relation_types: vec![reference_id(RELATION)],
        external_link: None,
        visibility,
        published_at: matches!(state, Lifecycle::Published | Lifecycle::Suspended { .. })
            .then_some(now),
        deleted_at: (state == Lifecycle::Deleted).then_some(now),
        state,
        shared_with,
        created_at: now,
        updated_at: now,
        version: 0,
    }
}
