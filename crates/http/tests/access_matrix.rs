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

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

use std::fmt::Write as _;
use std::path::Path;

use actix_web::http::Method;
use actix_web::http::header::ContentType;
use actix_web::test::TestRequest;
use rr_application::ports::{
    AttachmentRecord, AttachmentRepository, BlobStore, ResourceRepository,
};
use rr_application::test_util::{AttachmentFixture, ChunkSource};
use rr_domain::identity::Role;
use rr_domain::resource::{
    AttachmentId, AttachmentType, FileName, Lifecycle, ResourceId, Visibility,
};
use support::{TestApp, World, account, fetch, record};

const BEGIN: &str = "<!-- access-matrix:begin -->";
const END: &str = "<!-- access-matrix:end -->";
const REGENERATE: &str = "UPDATE_ACCESS_MATRIX=1 cargo test -p rr-http --test access_matrix";

// ───────────────────────────── the routes ─────────────────────────────

/// A route that takes a resource id, and what it should answer.
struct Route {
    method: Method,
    /// With `{id}` where the resource id goes and, on the routes of one
    /// attachment, `{attachmentId}` where the id of an attachment of that
    /// resource goes (stored with the resource for each cell).
    path: &'static str,
    /// What the request carries.
    body: Payload,
    /// The oracle: what the rules say it answers in a cell.
    expected: fn(&Cell) -> Answer,
}

/// A request's body.
#[derive(Debug, Clone, Copy)]
enum Payload {
    None,
    /// A JSON document the route accepts.
    Json(&'static str),
    /// [`PDF`], raw, as `application/pdf`: an upload the sniffer accepts.
    Pdf,
}

/// The smallest file an upload accepts: it starts with the full PDF
/// signature (`services/attachments/sniff.rs`).
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

impl Route {
    /// Whether the route names an attachment of the resource.
    fn names_attachment(&self) -> bool {
        self.path.contains("{attachmentId}")
    }
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
        route(
            Method::GET,
            "/api/v1/resources/{id}",
            Payload::None,
            rules::read,
        ),
        route(
            Method::PATCH,
            "/api/v1/resources/{id}",
            Payload::Json(r#"{"title":"Un autre titre"}"#),
            rules::edit,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}",
            Payload::None,
            rules::delete,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/submit",
            Payload::None,
            rules::submit,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/archive",
            Payload::None,
            rules::archive,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/unarchive",
            Payload::None,
            rules::unarchive,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/restore",
            Payload::None,
            rules::restore,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/attachments?fileName=cours.pdf",
            Payload::Pdf,
            rules::attach,
        ),
        route(
            Method::GET,
            "/api/v1/resources/{id}/attachments",
            Payload::None,
            rules::list_attachments,
        ),
        route(
            Method::GET,
            "/api/v1/resources/{id}/attachments/{attachmentId}",
            Payload::None,
            rules::download_attachment,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}/attachments/{attachmentId}",
            Payload::None,
            rules::detach,
        ),
        route(
            Method::PUT,
            "/api/v1/resources/{id}/favourite",
            Payload::None,
            rules::engage,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}/favourite",
            Payload::None,
            rules::engage,
        ),
        route(
            Method::PUT,
            "/api/v1/resources/{id}/exploited",
            Payload::None,
            rules::engage,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}/exploited",
            Payload::None,
            rules::engage,
        ),
        route(
            Method::PUT,
            "/api/v1/resources/{id}/set-aside",
            Payload::None,
            rules::engage,
        ),
        route(
            Method::DELETE,
            "/api/v1/resources/{id}/set-aside",
            Payload::None,
            rules::engage,
        ),
        // A new route that takes a resource id goes here, with its oracle in
        // `rules`; then regenerate the tables (see the top of this file).
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
    /// 201, something created.
    Created,
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
            Self::Created => "201".into(),
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

    /// A change of the resource's files: whoever may edit it, as for
    /// `PATCH`. Attaching or detaching a file is a change of content
    /// (`Lifecycle::after_edit`: a published or suspended public or
    /// restricted resource goes back to review), so nobody does it once the
    /// resource is archived or deleted; the edit rule already refuses those
    /// (403 to whoever sees them), before the lifecycle is asked.
    fn change_files(c: &Cell, done: Answer) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(may_edit(c)));
        answer(checks, done)
    }

    /// `POST /resources/{id}/attachments`: a file attached, 201.
    pub(super) fn attach(c: &Cell) -> Answer {
        change_files(c, Answer::Created)
    }

    /// `DELETE /resources/{id}/attachments/{attachmentId}`: a file detached.
    pub(super) fn detach(c: &Cell) -> Answer {
        change_files(c, Answer::NoContent)
    }

    /// `GET /resources/{id}/attachments`: whoever sees the resource sees its
    /// files, visitors included.
    pub(super) fn list_attachments(c: &Cell) -> Answer {
        read(c)
    }

    /// `GET /resources/{id}/attachments/{attachmentId}`: as listing them.
    pub(super) fn download_attachment(c: &Cell) -> Answer {
        read(c)
    }

    /// `PUT` and `DELETE` of `/resources/{id}/favourite`, `/exploited` and
    /// `/set-aside`: any logged-in account, on whatever it sees, in whatever
    /// state (they change the caller's lists, not the resource); idempotent.
    pub(super) fn engage(c: &Cell) -> Answer {
        answer(logged_in(c).and_then(|()| visible(c)), Answer::NoContent)
    }
}

// ───────────────────────────── the application ─────────────────────────────

/// An attachment of `resource`, stored straight into the fakes, its content
/// [`PDF`].
async fn attachment(
    fixture: &AttachmentFixture,
    resource: ResourceId,
    now: time::OffsetDateTime,
) -> AttachmentId {
    // Content-addressed: the same blob each time, put back if a detachment
    // took it with the last attachment that referred to it.
    let blob = fixture
        .blobs
        .put(Box::new(ChunkSource::new(PDF, PDF.len())), 1 << 20)
        .await
        .unwrap();
    let id = AttachmentId::generate();
    fixture
        .attachments
        .insert(&AttachmentRecord {
            id,
            resource,
            digest: blob.digest,
            file_name: FileName::parse("cours.pdf").unwrap(),
            media_type: AttachmentType::Pdf,
            size_bytes: blob.size_bytes,
            created_at: now,
        })
        .await
        .unwrap();
    id
}

/// Calls `route` on resource `id` (and, where it names one, `attachment`),
/// and reads the status and problem code.
async fn call(
    app: &impl TestApp,
    route: &Route,
    id: ResourceId,
    attachment: Option<AttachmentId>,
    token: Option<&str>,
) -> String {
    let mut path = route.path.replace("{id}", &id.as_uuid().to_string());
    if let Some(attachment) = attachment {
        path = path.replace("{attachmentId}", &attachment.as_uuid().to_string());
    }
    assert!(!path.contains('{'), "{path}: an id is missing");
    let mut req = TestRequest::default()
        .method(route.method.clone())
        .uri(&path);
    match route.body {
        Payload::None => {}
        Payload::Json(body) => req = req.insert_header(ContentType::json()).set_payload(body),
        Payload::Pdf => {
            req = req
                .insert_header(("Content-Type", "application/pdf"))
                .set_payload(PDF);
        }
    }
    let answer = fetch(app, req, token).await;
    let status = answer.status.as_u16();
    match answer.json()["code"].as_str() {
        Some(code) if status >= 400 => format!("{status} {code}"),
        _ => status.to_string(),
    }
}

// ───────────────────────────── the test ─────────────────────────────

/// Every cell, in the order of the tables: by visibility, state, caller.
fn cells() -> Vec<Cell> {
    let mut cells = Vec::new();
    for visibility in VISIBILITIES {
        for state in states() {
            for caller in Caller::all() {
                cells.push(Cell {
                    caller,
                    visibility,
                    state: state.clone(),
                });
            }
        }
    }
    cells
}

/// One cell's answer on one route.
struct Outcome {
    route: usize,
    /// Its position in [`cells`].
    index: usize,
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
    let world = World::new();
    let (fx, resources, files) = (&world.fx, &world.resources, &world.attachments);
    let app = world.app().await;
    let (owner, _) = account(fx, "owner", Role::Citizen, false).await;
    let (friend, _) = account(fx, "friend", Role::Citizen, false).await;
    let mut accounts = Vec::new();
    for role in Role::ALL {
        // Staff with two-factor authentication.
        let two_factor = role.is_staff();
        accounts.push((role, account(fx, role.as_str(), role, two_factor).await));
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
    let cells = cells();
    let mut outcomes = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for (index, cell) in cells.iter().enumerate() {
            // The sharing list is kept in every visibility: it must grant
            // nothing unless the resource is shared.
            let (author, shared_with) = match cell.caller {
                Caller::User(role, Relation::Author) => (id_of(role), vec![friend]),
                Caller::User(role, Relation::SharedWith) => (owner, vec![friend, id_of(role)]),
                _ => (owner, vec![friend]),
            };
            let stored = record(
                author,
                cell.visibility,
                cell.state.clone(),
                shared_with,
                now,
            );
            resources.insert(&stored).await.unwrap();
            let file = if route.names_attachment() {
                Some(attachment(files, stored.id, now).await)
            } else {
                None
            };
            let actual = call(&app, route, stored.id, file, token_of(cell.caller)).await;
            outcomes.push(Outcome {
                route: r,
                index,
                expected: (route.expected)(cell).observed(),
                cell: cell.clone(),
                actual,
            });
        }
    }

    // The same routes on an id that exists nowhere (and, where the route
    // names an attachment, an attachment id that exists nowhere either): what
    // "as if it did not exist" must look like.
    let mut missing = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for caller in Caller::all() {
            let file = route.names_attachment().then(AttachmentId::generate);
            let token = token_of(caller);
            let actual = call(&app, route, ResourceId::generate(), file, token).await;
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
    let mut hidden = vec![false; cells.len()];
    for o in outcomes.iter().filter(|o| o.route == read) {
        hidden[o.index] = o.actual == Answer::NotFound.observed();
    }
    for o in outcomes.iter().filter(|o| hidden[o.index]) {
        let absent = missing
            .iter()
            .find(|m| m.route == o.route && m.caller == o.cell.caller)
            .unwrap();
        if o.actual != absent.actual {
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
         wherever `GET /api/v1/resources/{{id}}` answers 404, every route answers exactly as \
         for the id that exists nowhere.\n",
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
         Each cell is a fresh resource; on the routes of one attachment, \
         `{attachmentId}` is a PDF attached to it beforehand (on the id that exists nowhere, \
         an attachment id that exists nowhere either).\n\n\
         Answers: **200** / **201** / **204** done; 401 `unauthenticated`, no token; 403 \
         `forbidden`, seen but not allowed; 404 `not_found`, not seen (exactly as if it did \
         not exist); 409 `invalid_transition`, allowed but not from this state.\n",
    );
    for (r, route) in routes.iter().enumerate() {
        write!(out, "\n### `{} {}`", route.method, route.path).unwrap();
        match route.body {
            Payload::None => {}
            Payload::Json(body) => write!(out, " with `{body}`").unwrap(),
            Payload::Pdf => write!(
                out,
                " with a {}-byte PDF as the raw body (`application/pdf`)",
                PDF.len()
            )
            .unwrap(),
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
