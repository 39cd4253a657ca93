//! The resource access matrix: every route that takes a resource id, called by
//! every caller (a visitor; each role as the resource's author, as someone it
//! is shared with, as anyone else) on a resource of every visibility in every
//! lifecycle state, against an oracle written here as plain rules.
//!
//! The answers are kept as tables in `docs/security.md`, between the
//! `access-matrix` markers. When the rules change on purpose, regenerate them
//! with `UPDATE_ACCESS_MATRIX=1 cargo test -p rr-http --test access_matrix`
//! and review the diff.
//!
//! A new route that takes a resource id goes in [`routes`], with its oracle in
//! [`rules`].

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::ContentType;
use actix_web::test::{self, TestRequest};
use rr_application::ports::{ResourceRecord, ResourceRepository};
use rr_application::services::identity::{LoginOutcome, StaffAccount};
use rr_application::services::{
    HealthService, ReferenceDataService, ResourcePorts, ResourceService,
};
use rr_application::test_util::{
    FakeResources, FakeTotp, IdentityFixture, InMemoryReferenceData, SwitchableHealth,
    identity_fixture,
};
use rr_domain::Uuid;
use rr_domain::credentials::Password;
use rr_domain::identity::{CountryCode, Email, PersonName, Role, UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_http::middleware::ClientRateLimit;
use rr_http::{Contract, HttpSettings, Metrics, Services, VersionInfo};
use serde_json::Value;

const PASSWORD: &str = "Tournesol-Bleu-2026!";
const BEGIN: &str = "<!-- access-matrix:begin -->";
const END: &str = "<!-- access-matrix:end -->";
const REGENERATE: &str = "UPDATE_ACCESS_MATRIX=1 cargo test -p rr-http --test access_matrix";

// ───────────────────────────── the routes ─────────────────────────────

/// A route that takes a resource id, and what it should answer.
struct Route {
    method: Method,
    /// With `{id}` where the resource id goes.
    path: &'static str,
    /// A JSON body the route accepts, if it takes one.
    body: Option<&'static str>,
    /// The oracle: what the rules say it answers in a cell.
    expected: fn(&Cell) -> Answer,
}

/// Every route that takes a resource id.
fn routes() -> Vec<Route> {
    let route = |method, path, body, expected| Route {
        method,
        path,
        body,
        expected,
    };
    vec![
        route(Method::GET, "/api/v1/resources/{id}", None, rules::read),
        route(
            Method::PATCH,
            "/api/v1/resources/{id}",
            Some(r#"{"title":"Un autre titre"}"#),
            rules::edit,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}",
            None,
            rules::delete,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/submit",
            None,
            rules::submit,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/archive",
            None,
            rules::archive,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/unarchive",
            None,
            rules::unarchive,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/restore",
            None,
            rules::restore,
        ),
        // New routes that take a resource id (attachments, favourites,
        // progress, …) go here, each with its oracle in `rules`, then
        // regenerate the tables (see the top of this file).
    ]
}

// ───────────────────────────── the cells ─────────────────────────────

/// How a caller stands to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Wrote it.
    Author,
    /// Is listed in its sharing list.
    SharedWith,
    /// Neither.
    Other,
}

/// Who calls. Staff accounts all have two-factor authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Visitor,
    User(Role, Relation),
}

impl Caller {
    fn all() -> Vec<Self> {
        let mut all = vec![Self::Visitor];
        for role in Role::ALL {
            for relation in [Relation::Author, Relation::SharedWith, Relation::Other] {
                all.push(Self::User(role, relation));
            }
        }
        all
    }

    fn label(self) -> String {
        match self {
            Self::Visitor => "visitor".into(),
            Self::User(role, relation) => {
                let role = match role {
                    Role::Citizen => "C",
                    Role::Moderator => "M",
                    Role::Administrator => "A",
                    Role::SuperAdministrator => "SA",
                };
                let relation = match relation {
                    Relation::Author => "author",
                    Relation::SharedWith => "shared",
                    Relation::Other => "other",
                };
                format!("{role} {relation}")
            }
        }
    }
}

const VISIBILITIES: [Visibility; 4] = [
    Visibility::Public,
    Visibility::Restricted,
    Visibility::Private,
    Visibility::Shared,
];

fn states() -> [Lifecycle; 7] {
    [
        Lifecycle::Draft,
        Lifecycle::PendingReview,
        Lifecycle::Published,
        Lifecycle::Rejected {
            reason: "Lien mort".into(),
        },
        Lifecycle::Suspended {
            reason: "Signalements".into(),
        },
        Lifecycle::Archived,
        Lifecycle::Deleted,
    ]
}

/// One caller, one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    caller: Caller,
    visibility: Visibility,
    state: Lifecycle,
}

// ───────────────────────────── the oracle ─────────────────────────────

/// What a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Ok,
    NoContent,
    /// 401 `unauthenticated`.
    NoToken,
    /// 403 `forbidden`.
    Forbidden,
    /// 404 `not_found`.
    NotFound,
    /// 409 `invalid_transition`.
    InvalidTransition,
}

impl Answer {
    /// As observed: the status, and the problem's code when there is one.
    fn observed(self) -> String {
        match self {
            Self::Ok => "200".into(),
            Self::NoContent => "204".into(),
            Self::NoToken => "401 unauthenticated".into(),
            Self::Forbidden => "403 forbidden".into(),
            Self::NotFound => "404 not_found".into(),
            Self::InvalidTransition => "409 invalid_transition".into(),
        }
    }
}

/// The rules, stated on their own from the design and `docs/security.md`
/// rather than by calling `can_view` or `can_edit`: the matrix checks the
/// code against the rules, not against itself.
mod rules {
    use super::{Answer, Caller, Cell, Lifecycle, Relation, Role, Visibility};

    /// Checks in the order routes make them; the first that fails answers.
    type Check = Result<(), Answer>;

    fn role(c: &Cell) -> Option<Role> {
        match c.caller {
            Caller::Visitor => None,
            Caller::User(role, _) => Some(role),
        }
    }

    fn is(c: &Cell, relation: Relation) -> bool {
        matches!(c.caller, Caller::User(_, r) if r == relation)
    }

    /// Moderators and above (with two-factor authentication, as every staff
    /// caller here).
    fn staff(c: &Cell) -> bool {
        role(c).is_some_and(|r| r >= Role::Moderator)
    }

    /// Administrators and above (with two-factor authentication).
    fn administrator(c: &Cell) -> bool {
        role(c).is_some_and(|r| r >= Role::Administrator)
    }

    /// Public and restricted resources go through review; staff deal with
    /// them. Private and shared ones are their author's business alone.
    fn reviewed(c: &Cell) -> bool {
        matches!(c.visibility, Visibility::Public | Visibility::Restricted)
    }

    /// Submitted and not withdrawn: what moderators deal with.
    fn moderated(c: &Cell) -> bool {
        matches!(
            c.state,
            Lifecycle::PendingReview
                | Lifecycle::Published
                | Lifecycle::Rejected { .. }
                | Lifecycle::Suspended { .. }
        )
    }

    fn archived_or_deleted(c: &Cell) -> bool {
        matches!(c.state, Lifecycle::Archived | Lifecycle::Deleted)
    }

    /// Who sees a resource. To anyone else it does not exist.
    ///
    /// - A deleted resource: administrators only, if public or restricted
    ///   (they may restore it). Not even its author.
    /// - Otherwise its author, in every state.
    /// - Staff: public and restricted resources once submitted (pending
    ///   review, published, rejected, suspended: what they moderate); never
    ///   drafts or archived resources, nor private or shared ones.
    /// - Everyone else: published resources only, to their audience:
    ///   public to all, restricted to logged-in accounts, shared to the
    ///   accounts listed, private to nobody. A sharing list grants nothing
    ///   unless the resource is shared.
    pub(super) fn sees(c: &Cell) -> bool {
        if c.state == Lifecycle::Deleted {
            return administrator(c) && reviewed(c);
        }
        if is(c, Relation::Author) || (staff(c) && reviewed(c) && moderated(c)) {
            return true;
        }
        c.state == Lifecycle::Published
            && match c.visibility {
                Visibility::Public => true,
                Visibility::Restricted => role(c).is_some(),
                Visibility::Shared => is(c, Relation::SharedWith),
                Visibility::Private => false,
            }
    }

    /// Who changes content, visibility or sharing: the author, or an
    /// administrator for submitted public and restricted resources; nobody
    /// once archived or deleted (unarchive or restore first).
    fn may_edit(c: &Cell) -> bool {
        !archived_or_deleted(c)
            && (is(c, Relation::Author) || (administrator(c) && reviewed(c) && moderated(c)))
    }

    /// Who deletes: the author, in any state; an administrator as for editing.
    fn may_delete(c: &Cell) -> bool {
        is(c, Relation::Author) || may_edit(c)
    }

    /// 401 for visitors, on every route but reading.
    fn logged_in(c: &Cell) -> Check {
        if role(c).is_some() {
            Ok(())
        } else {
            Err(Answer::NoToken)
        }
    }

    /// 404 for what the caller may not see.
    fn visible(c: &Cell) -> Check {
        if sees(c) {
            Ok(())
        } else {
            Err(Answer::NotFound)
        }
    }

    /// 403 for what the caller sees but may not do.
    fn allowed(yes: bool) -> Check {
        if yes { Ok(()) } else { Err(Answer::Forbidden) }
    }

    /// 409 `invalid_transition` for what the state forbids.
    fn state_allows(yes: bool) -> Check {
        if yes {
            Ok(())
        } else {
            Err(Answer::InvalidTransition)
        }
    }

    fn answer(checks: Check, done: Answer) -> Answer {
        checks.map_or_else(|refusal| refusal, |()| done)
    }

    /// `GET /resources/{id}`: whoever sees it, visitors included.
    pub(super) fn read(c: &Cell) -> Answer {
        answer(visible(c), Answer::Ok)
    }

    /// `PATCH /resources/{id}`: whoever may edit it.
    pub(super) fn edit(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(may_edit(c)));
        answer(checks, Answer::Ok)
    }

    /// `DELETE /resources/{id}`: whoever may delete it, unless already deleted.
    pub(super) fn delete(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(may_delete(c)))
            .and_then(|()| state_allows(c.state != Lifecycle::Deleted));
        answer(checks, Answer::NoContent)
    }

    /// The author's own transitions: only the author, from the states the
    /// lifecycle allows.
    fn authors_transition(c: &Cell, from: fn(&Lifecycle) -> bool) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(is(c, Relation::Author)))
            .and_then(|()| state_allows(from(&c.state)));
        answer(checks, Answer::Ok)
    }

    /// `POST /resources/{id}/submit`: from draft or rejected.
    pub(super) fn submit(c: &Cell) -> Answer {
        authors_transition(c, |s| {
            matches!(s, Lifecycle::Draft | Lifecycle::Rejected { .. })
        })
    }

    /// `POST /resources/{id}/archive`: from any state but archived or deleted.
    pub(super) fn archive(c: &Cell) -> Answer {
        authors_transition(c, |s| {
            !matches!(s, Lifecycle::Archived | Lifecycle::Deleted)
        })
    }

    /// `POST /resources/{id}/unarchive`: from archived.
    pub(super) fn unarchive(c: &Cell) -> Answer {
        authors_transition(c, |s| *s == Lifecycle::Archived)
    }

    /// `POST /resources/{id}/restore`: an administrators' route. Below
    /// administrator it is refused (403) on what the caller sees;
    /// administrators restore any deleted resource they see (within 30 days;
    /// every deleted resource here was deleted just now).
    pub(super) fn restore(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(administrator(c)))
            .and_then(|()| state_allows(c.state == Lifecycle::Deleted));
        answer(checks, Answer::Ok)
    }
}

// ───────────────────────────── the application ─────────────────────────────

fn settings() -> HttpSettings {
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

fn services(fx: &IdentityFixture, resources: Arc<FakeResources>) -> Services {
    let reference = Arc::new(InMemoryReferenceData::default());
    Services {
        reference_data: ReferenceDataService::new(reference.clone()),
        health: HealthService::new(Arc::new(SwitchableHealth::new(true))),
        identity: fx.service.clone(),
        resources: ResourceService::new(ResourcePorts {
            resources,
            users: fx.users.clone(),
            reference_data: reference,
            audit: fx.audit.clone(),
            clock: fx.clock.clone(),
        }),
        auth_rate_limit: ClientRateLimit::new(6_000, 1_000, false),
        metrics: Metrics::new().unwrap(),
        version: VersionInfo {
            name: "rr-server".into(),
            version: "0".into(),
            api_version: "v1".into(),
            privacy_policy_version: "2026-11".into(),
        },
    }
}

/// An account of `role`, logged in; staff with two-factor authentication.
async fn account(fx: &IdentityFixture, username: &str, role: Role) -> (UserId, String) {
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
    if !role.is_staff() {
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

/// A resource stored as it is in the cell, bypassing the use cases.
fn record(
    author: UserId,
    shared_with: Vec<UserId>,
    cell: &Cell,
    now: time::OffsetDateTime,
) -> ResourceRecord {
    let reference = |n| ReferenceId::from_uuid(Uuid::from_u128(n));
    ResourceRecord {
        id: ResourceId::generate(),
        author,
        title: Title::parse("Parler à son ado").unwrap(),
        summary: Summary::parse("Quelques pistes.").unwrap(),
        body: Body::parse("# Écouter\n\nD'abord écouter.").unwrap(),
        category: reference(1),
        resource_type: reference(4),
        relation_types: vec![reference(3)],
        external_link: None,
        visibility: cell.visibility,
        state: cell.state.clone(),
        shared_with,
        created_at: now,
        updated_at: now,
        published_at: matches!(
            cell.state,
            Lifecycle::Published | Lifecycle::Suspended { .. }
        )
        .then_some(now),
        deleted_at: (cell.state == Lifecycle::Deleted).then_some(now),
        version: 0,
    }
}

async fn call<S, B>(app: &S, route: &Route, id: ResourceId, token: Option<&str>) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let path = route.path.replace("{id}", &id.as_uuid().to_string());
    let mut req = TestRequest::default()
        .method(route.method.clone())
        .uri(&path)
        .peer_addr("10.0.0.1:1".parse().unwrap());
    if let Some(body) = route.body {
        req = req.insert_header(ContentType::json()).set_payload(body);
    }
    if let Some(token) = token {
        req = req.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let response = test::call_service(app, req.to_request()).await;
    let status = response.status().as_u16();
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap_or_default();
    match body["code"].as_str() {
        Some(code) if status >= 400 => format!("{status} {code}"),
        _ => status.to_string(),
    }
}

// ───────────────────────────── the test ─────────────────────────────

/// One cell's answer on one route.
struct Outcome {
    route: usize,
    cell: Cell,
    expected: String,
    actual: String,
}

impl Outcome {
    fn describe(&self, routes: &[Route]) -> String {
        let route = &routes[self.route];
        format!(
            "{} {} · {} · {} {}",
            route.method,
            route.path,
            self.cell.caller.label(),
            self.cell.visibility.as_str(),
            self.cell.state.name()
        )
    }
}

/// One caller's answer on one route, for an id that exists nowhere.
struct Missing {
    route: usize,
    caller: Caller,
    actual: String,
}

#[actix_web::test]
async fn every_caller_gets_what_the_rules_say_on_every_resource_route() {
    let fx = identity_fixture();
    let resources = Arc::new(FakeResources::default());
    let app = test::init_service(rr_http::build(
        &services(&fx, resources.clone()),
        &settings(),
        &Contract::new().unwrap(),
    ))
    .await;
    let (owner, _) = account(&fx, "owner", Role::Citizen).await;
    let (friend, _) = account(&fx, "friend", Role::Citizen).await;
    let mut accounts = Vec::new();
    for role in Role::ALL {
        accounts.push((role, account(&fx, role.as_str(), role).await));
    }
    let now = fx.clock.now_for_tests();

    let token_of = |caller: Caller| match caller {
        Caller::Visitor => None,
        Caller::User(role, _) => accounts
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, (_, token))| token.as_str()),
    };
    let id_of = |role: Role| {
        accounts
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, (id, _))| *id)
            .unwrap()
    };

    let routes = routes();
    let mut outcomes = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for visibility in VISIBILITIES {
            for state in states() {
                for caller in Caller::all() {
                    // The sharing list is kept in every visibility: it must
                    // grant nothing unless the resource is shared.
                    let (author, shared_with) = match caller {
                        Caller::User(role, Relation::Author) => (id_of(role), vec![friend]),
                        Caller::User(role, Relation::SharedWith) => {
                            (owner, vec![friend, id_of(role)])
                        }
                        _ => (owner, vec![friend]),
                    };
                    let cell = Cell {
                        caller,
                        visibility,
                        state: state.clone(),
                    };
                    let stored = record(author, shared_with, &cell, now);
                    resources.insert(&stored).await.unwrap();
                    let actual = call(&app, route, stored.id, token_of(caller)).await;
                    outcomes.push(Outcome {
                        route: r,
                        expected: (route.expected)(&cell).observed(),
                        cell,
                        actual,
                    });
                }
            }
        }
    }

    // The same routes on an id that exists nowhere: what "as if it did not
    // exist" must look like.
    let mut missing = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for caller in Caller::all() {
            let token = token_of(caller);
            let actual = call(&app, route, ResourceId::generate(), token).await;
            missing.push(Missing {
                route: r,
                caller,
                actual,
            });
        }
    }

    let mut failures: Vec<String> = outcomes
        .iter()
        .filter(|o| o.expected != o.actual)
        .map(|o| {
            format!(
                "{}: expected {}, got {}",
                o.describe(&routes),
                o.expected,
                o.actual
            )
        })
        .collect();
    failures.extend(
        missing
            .iter()
            .filter(|m| {
                m.actual != Answer::NotFound.observed()
                    && !(m.caller == Caller::Visitor && m.actual == Answer::NoToken.observed())
            })
            .map(|m| {
                let route = &routes[m.route];
                format!(
                    "{} {} · {} · no such resource: got {}",
                    route.method,
                    route.path,
                    m.caller.label(),
                    m.actual
                )
            }),
    );
    // Checked on the answers themselves, whatever the oracle says: a resource
    // the caller cannot read gets exactly the answer of a missing one.
    let read = routes
        .iter()
        .position(|r| r.method == Method::GET && r.path == "/api/v1/resources/{id}")
        .unwrap();
    for o in &outcomes {
        let hidden = outcomes.iter().any(|g| {
            g.route == read && g.cell == o.cell && g.actual == Answer::NotFound.observed()
        });
        let absent = missing
            .iter()
            .find(|m| m.route == o.route && m.caller == o.cell.caller)
            .unwrap();
        if hidden && o.actual != absent.actual {
            failures.push(format!(
                "{}: hidden from the caller yet answered {}, not {} as for a missing resource",
                o.describe(&routes),
                o.actual,
                absent.actual
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells break the rules:\n{}",
        failures.len(),
        outcomes.len() + missing.len(),
        failures.join("\n")
    );

    check_document(&render(&routes, &outcomes, &missing));
}

// ───────────────────────────── the document ─────────────────────────────

/// A status as shown in the tables, successes in bold.
fn status(actual: &str) -> String {
    let status = actual.split(' ').next().unwrap_or_default();
    if status.starts_with('2') {
        format!("**{status}**")
    } else {
        status.to_owned()
    }
}

fn render(routes: &[Route], outcomes: &[Outcome], missing: &[Missing]) -> String {
    let callers = Caller::all();
    let mut out = String::new();
    writeln!(
        out,
        "<!-- Generated by crates/http/tests/access_matrix.rs; do not edit by hand: run `{REGENERATE}`. -->\n"
    )
    .unwrap();
    writeln!(
        out,
        "{} routes × {} callers × ({} visibilities × {} states, plus an id that exists \
         nowhere) = {} answers, each checked against the rules written in the test; and \
         wherever `GET` answers 404, every route answers exactly as for the id that exists \
         nowhere.\n",
        routes.len(),
        callers.len(),
        VISIBILITIES.len(),
        states().len(),
        outcomes.len() + missing.len()
    )
    .unwrap();
    out.push_str(
        "Callers: *visitor* (no token); **C** citizen, **M** moderator, **A** administrator, \
         **SA** super-administrator (staff with two-factor authentication), each as the \
         resource's *author*, as an account in its sharing list (*shared*; the list is kept in \
         every visibility, to show it grants nothing unless the resource is shared) or as \
         anyone else (*other*).\n\n\
         Answers: **200** / **204** done; 401 `unauthenticated`, no token; 403 `forbidden`, \
         seen but not allowed; 404 `not_found`, not seen (exactly as if it did not exist); \
         409 `invalid_transition`, allowed but not from this state.\n",
    );
    for (r, route) in routes.iter().enumerate() {
        write!(out, "\n### `{} {}`", route.method, route.path).unwrap();
        if let Some(body) = route.body {
            write!(out, " with `{body}`").unwrap();
        }
        out.push_str("\n\n| visibility · state |");
        for caller in &callers {
            write!(out, " {} |", caller.label()).unwrap();
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(callers.len()));
        out.push_str("\n| *no such resource* |");
        for m in missing.iter().filter(|m| m.route == r) {
            write!(out, " {} |", status(&m.actual)).unwrap();
        }
        out.push('\n');
        for visibility in VISIBILITIES {
            for state in states() {
                write!(out, "| {} · {} |", visibility.as_str(), state.name()).unwrap();
                let row = outcomes.iter().filter(|o| {
                    o.route == r && o.cell.visibility == visibility && o.cell.state == state
                });
                for o in row {
                    write!(out, " {} |", status(&o.actual)).unwrap();
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Compares the section of `docs/security.md` with `generated`, or rewrites
/// it when `UPDATE_ACCESS_MATRIX` is set.
fn check_document(generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md");
    let document = std::fs::read_to_string(&path).unwrap();
    let (Some(begin), Some(end)) = (document.find(BEGIN), document.find(END)) else {
        panic!("docs/security.md lacks the `{BEGIN}` … `{END}` markers");
    };
    let start = begin + BEGIN.len();
    let committed = document[start..end].trim_matches('\n');
    if std::env::var_os("UPDATE_ACCESS_MATRIX").is_some() {
        let updated = format!(
            "{}\n{}\n{}",
            &document[..start],
            generated.trim_matches('\n'),
            &document[end..]
        );
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        committed == generated.trim_matches('\n'),
        "the resource access matrix in docs/security.md is out of date: run `{REGENERATE}` and review the diff"
    );
}
