//! The access matrices: what every caller gets on every route that takes an
//! id or needs a role, against an oracle written here as plain rules.
//!
//! - Resources (this file): every route that takes a resource id, called by
//!   every caller (a visitor; each role as the resource's author, as someone
//!   it is shared with, as anyone else) on a resource of every visibility in
//!   every lifecycle state.
//! - Comments (`access_matrix/comments.rs`): every route that takes a comment
//!   id, and the thread, called by every caller (a visitor; each role as the
//!   comment's author, as the resource's author, as anyone else) on a comment
//!   in every state.
//! - Roles (`access_matrix/roles.rs`): the routes without an owner (the
//!   moderation queue and log, statistics, account administration, reports to
//!   dismiss, feature flags, one's own journal, inbox and flags), called by
//!   each role with and without two-factor authentication.
//!
//! The answers are kept as tables in `docs/security.md`, between the
//! `access-matrix` markers (one pair per matrix). When the rules change on
//! purpose, regenerate them with
//! `UPDATE_ACCESS_MATRIX=1 cargo test -p rr-http --test access_matrix`
//! and review the diff.
//!
//! A new route that takes a resource id goes in [`routes`], with its oracle in
//! [`rules`]; one that takes a comment id in `comments::routes`; one that
//! needs a role in `roles::routes`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap should fail loudly

#[allow(dead_code, reason = "each test binary uses some of the helpers")]
mod support;

#[path = "access_matrix/comments.rs"]
mod comments;
#[path = "access_matrix/roles.rs"]
mod roles;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use actix_web::http::Method;
use actix_web::http::header::ContentType;
use actix_web::test::TestRequest;
use rr_application::ports::{
    AttachmentRecord, AttachmentRepository, BlobStore, ResourceRepository,
};
use rr_application::services::WriteLimiter;
use rr_application::test_util::{AttachmentFixture, ChunkSource};
use rr_domain::identity::Role;
use rr_domain::resource::{
    AttachmentId, AttachmentType, FileName, Lifecycle, ResourceId, Visibility,
};
use support::{TestApp, World, account, fetch, record};

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
    /// A JSON document the route accepts, `{id}` replaced by the id of the
    /// cell's resource (or comment, or report) where it names one.
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
        route(
            Method::GET,
            "/api/v1/resources/{id}/comments",
            Payload::None,
            rules::read_comments,
        ),
        route(
            Method::POST,
            "/api/v1/resources/{id}/comments",
            Payload::Json(r#"{"body":"Merci, la deuxième piste a marché chez nous."}"#),
            rules::comment,
        ),
        route(
            Method::POST,
            "/api/v1/reports",
            Payload::Json(r#"{"target":{"kind":"resource","id":"{id}"},"reason":"spam"}"#),
            rules::report,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/resources/{id}/approve",
            Payload::None,
            rules::approve,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/resources/{id}/reject",
            Payload::Json(r#"{"reason":"Le lien mène à une publicité."}"#),
            rules::reject,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/resources/{id}/suspend",
            Payload::Json(r#"{"reason":"Signalements fondés."}"#),
            rules::suspend,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/resources/{id}/reinstate",
            Payload::None,
            rules::reinstate,
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

/// Who calls. Staff accounts have two-factor authentication, but for the
/// last callers, who have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Visitor,
    User(Role, Relation),
    /// A staff account without two-factor authentication, as anyone else.
    WithoutSecondFactor(Role),
}

impl Caller {
    fn all() -> Vec<Self> {
        let mut all = vec![Self::Visitor];
        for role in Role::ALL {
            for relation in [Relation::Author, Relation::SharedWith, Relation::Other] {
                all.push(Self::User(role, relation));
            }
        }
        all.push(Self::WithoutSecondFactor(Role::Moderator));
        all.push(Self::WithoutSecondFactor(Role::Administrator));
        all
    }

    fn label(self) -> String {
        match self {
            Self::Visitor => "visitor".into(),
            Self::User(role, relation) => {
                let role = initial(role);
                let relation = match relation {
                    Relation::Author => "author",
                    Relation::SharedWith => "shared",
                    Relation::Other => "other",
                };
                format!("{role} {relation}")
            }
            Self::WithoutSecondFactor(role) => format!("{} no 2FA", initial(role)),
        }
    }
}

/// A role's initial in the tables.
fn initial(role: Role) -> &'static str {
    match role {
        Role::Citizen => "C",
        Role::Moderator => "M",
        Role::Administrator => "A",
        Role::SuperAdministrator => "SA",
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
    /// 403 `two_factor_required`: the role would do, without its second factor.
    TwoFactorRequired,
    /// 403 `cannot_report_own`.
    CannotReportOwn,
    /// 404 `not_found`.
    NotFound,
    /// 409 `invalid_transition`.
    InvalidTransition,
    /// 409 `comments_closed`.
    CommentsClosed,
    /// 409 `not_reportable`.
    NotReportable,
    /// 409 `report_closed`.
    ReportClosed,
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
            Self::TwoFactorRequired => "403 two_factor_required".into(),
            Self::CannotReportOwn => "403 cannot_report_own".into(),
            Self::NotFound => "404 not_found".into(),
            Self::InvalidTransition => "409 invalid_transition".into(),
            Self::CommentsClosed => "409 comments_closed".into(),
            Self::NotReportable => "409 not_reportable".into(),
            Self::ReportClosed => "409 report_closed".into(),
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
            Caller::User(role, _) | Caller::WithoutSecondFactor(role) => Some(role),
        }
    }

    fn is(c: &Cell, relation: Relation) -> bool {
        matches!(c.caller, Caller::User(_, r) if r == relation)
    }

    /// Moderators and above, with two-factor authentication: without it, a
    /// staff account has a citizen's sight and rights.
    fn staff(c: &Cell) -> bool {
        matches!(c.caller, Caller::User(r, _) if r >= Role::Moderator)
    }

    /// Administrators and above, with two-factor authentication.
    fn administrator(c: &Cell) -> bool {
        matches!(c.caller, Caller::User(r, _) if r >= Role::Administrator)
    }

    /// The same cell, had the caller two-factor authentication.
    fn with_second_factor(c: &Cell) -> Cell {
        let mut c = c.clone();
        if let Caller::WithoutSecondFactor(role) = c.caller {
            c.caller = Caller::User(role, Relation::Other);
        }
        c
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

    /// 403 `two_factor_required` at the door of a staff route, before any
    /// id is looked up, for an account whose role would do without its
    /// second factor.
    fn second_factor(c: &Cell, needed: Role) -> Check {
        match c.caller {
            Caller::WithoutSecondFactor(role) if role >= needed => Err(Answer::TwoFactorRequired),
            _ => Ok(()),
        }
    }

    /// 403 for what the caller sees but `rule` does not let them do:
    /// `two_factor_required` when their role would do with two-factor
    /// authentication (`docs/security.md`, "Roles and authorisation"),
    /// `forbidden` otherwise.
    fn allowed(c: &Cell, rule: fn(&Cell) -> bool) -> Check {
        if rule(c) {
            Ok(())
        } else if rule(&with_second_factor(c)) {
            Err(Answer::TwoFactorRequired)
        } else {
            Err(Answer::Forbidden)
        }
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
            .and_then(|()| allowed(c, may_edit));
        answer(checks, Answer::Ok)
    }

    /// `DELETE /resources/{id}`: whoever may delete it, unless already deleted.
    pub(super) fn delete(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, may_delete))
            .and_then(|()| state_allows(c.state != Lifecycle::Deleted));
        answer(checks, Answer::NoContent)
    }

    /// The author's own transitions: only the author, from the states the
    /// lifecycle allows.
    fn authors_transition(c: &Cell, from: fn(&Lifecycle) -> bool) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, |c| is(c, Relation::Author)))
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

    /// `POST /resources/{id}/restore`: an administrators' route. An
    /// administrator without two-factor authentication is refused at the
    /// door, whatever the id (`two_factor_required`, as on every staff
    /// route: the same answer for every id tells nothing of any); below
    /// administrator it is refused (403) on what the caller sees;
    /// administrators restore any deleted resource they see (within 30 days;
    /// every deleted resource here was deleted just now).
    pub(super) fn restore(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| second_factor(c, Role::Administrator))
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, administrator))
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
            .and_then(|()| allowed(c, may_edit));
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

    /// `GET /resources/{id}/comments`: whoever sees the resource reads its
    /// thread, visitors included, in whatever state (ADR 0015: resources
    /// that take no new comments keep their threads for those who still see
    /// them).
    pub(super) fn read_comments(c: &Cell) -> Answer {
        read(c)
    }

    /// `POST /resources/{id}/comments`: any logged-in account comments on
    /// a resource it sees, its author included; only a published resource
    /// takes new comments (`comments_closed` otherwise, for whoever sees it).
    pub(super) fn comment(c: &Cell) -> Answer {
        let checks = logged_in(c).and_then(|()| visible(c)).and_then(|()| {
            if c.state == Lifecycle::Published {
                Ok(())
            } else {
                Err(Answer::CommentsClosed)
            }
        });
        answer(checks, Answer::Created)
    }

    /// `POST /reports` on a resource: any logged-in account, on what it
    /// sees and did not write (`cannot_report_own`); only what moderators
    /// moderate is reported, a published public or restricted resource
    /// (`not_reportable` otherwise: private and shared resources are between
    /// their author and the people they chose). Each cell is a first report.
    pub(super) fn report(c: &Cell) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| {
                if is(c, Relation::Author) {
                    Err(Answer::CannotReportOwn)
                } else {
                    Ok(())
                }
            })
            .and_then(|()| {
                if reviewed(c) && c.state == Lifecycle::Published {
                    Ok(())
                } else {
                    Err(Answer::NotReportable)
                }
            });
        answer(checks, Answer::Created)
    }

    /// A moderator's decision on a resource: moderators and above (with
    /// two-factor authentication) on what they see, never on their own
    /// content nor on content moderators do not moderate (private, shared:
    /// seen by staff only as its author or in its sharing list), from the
    /// one state the decision leaves (guide, "Decisions").
    fn decision(c: &Cell, from: fn(&Lifecycle) -> bool) -> Answer {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, |c| staff(c) && !is(c, Relation::Author) && reviewed(c)))
            .and_then(|()| state_allows(from(&c.state)));
        answer(checks, Answer::Ok)
    }

    /// `POST /moderation/resources/{id}/approve`: from pending review.
    pub(super) fn approve(c: &Cell) -> Answer {
        decision(c, |s| *s == Lifecycle::PendingReview)
    }

    /// `POST /moderation/resources/{id}/reject`: from pending review.
    pub(super) fn reject(c: &Cell) -> Answer {
        decision(c, |s| *s == Lifecycle::PendingReview)
    }

    /// `POST /moderation/resources/{id}/suspend`: from published.
    pub(super) fn suspend(c: &Cell) -> Answer {
        decision(c, |s| *s == Lifecycle::Published)
    }

    /// `POST /moderation/resources/{id}/reinstate`: from suspended.
    pub(super) fn reinstate(c: &Cell) -> Answer {
        decision(c, |s| matches!(s, Lifecycle::Suspended { .. }))
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
    let id = id.as_uuid().to_string();
    let mut path = route.path.replace("{id}", &id);
    if let Some(attachment) = attachment {
        path = path.replace("{attachmentId}", &attachment.as_uuid().to_string());
    }
    observed(&exchange(app, &route.method, &path, route.body, &id, token).await)
}

/// Sends `method path` with `body` (its `{id}` replaced by `id`) from the
/// usual peer, with a bearer `token` when there is one.
async fn exchange(
    app: &impl TestApp,
    method: &Method,
    path: &str,
    body: Payload,
    id: &str,
    token: Option<&str>,
) -> support::Answer {
    assert!(!path.contains('{'), "{path}: an id is missing");
    let mut req = TestRequest::default().method(method.clone()).uri(path);
    match body {
        Payload::None => {}
        Payload::Json(body) => {
            req = req
                .insert_header(ContentType::json())
                .set_payload(body.replace("{id}", id));
        }
        Payload::Pdf => {
            req = req
                .insert_header(("Content-Type", "application/pdf"))
                .set_payload(PDF);
        }
    }
    fetch(app, req, token).await
}

/// The status, and the problem's code on a refusal.
fn observed(answer: &support::Answer) -> String {
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
    /// Why it breaks the rules, if it does.
    failure: Option<String>,
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
    /// Why it breaks the rules, if it does.
    failure: Option<String>,
}

impl Cell {
    /// What the rules say of an id that exists nowhere: a deleted private
    /// resource of someone else's, which nobody sees.
    fn nowhere(caller: Caller) -> Self {
        let caller = match caller {
            Caller::User(role, _) => Caller::User(role, Relation::Other),
            other => other,
        };
        Self {
            caller,
            visibility: Visibility::Private,
            state: Lifecycle::Deleted,
        }
    }
}

/// The fakes every matrix runs on: as usual, but without per-account write
/// budgets (one account writes in many cells; the budgets have their own
/// tests in `write_limits_http.rs`).
fn world() -> World {
    let mut world = World::new();
    world.write_limits = Arc::new(WriteLimiter::unlimited(world.fx.clock.clone()));
    world
}

#[actix_web::test]
async fn every_caller_gets_what_the_rules_say_on_every_resource_route() {
    let world = world();
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
    let mut without_second_factor = Vec::new();
    for caller in Caller::all() {
        if let Caller::WithoutSecondFactor(role) = caller {
            let name = format!("{}-sans-2fa", role.as_str());
            without_second_factor.push((role, account(fx, &name, role, false).await.1));
        }
    }
    let now = fx.clock.now_for_tests();

    let token_of = |caller: Caller| match caller {
        Caller::Visitor => None,
        Caller::User(role, _) => accounts
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, (_, token))| token.as_str()),
        Caller::WithoutSecondFactor(role) => without_second_factor
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, token)| token.as_str()),
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
            let expected = (route.expected)(cell).observed();
            let mut outcome = Outcome {
                route: r,
                index,
                cell: cell.clone(),
                failure: None,
                expected,
                actual,
            };
            if outcome.expected != outcome.actual {
                outcome.failure = Some(format!(
                    "{}: expected {}, got {}",
                    outcome.describe(&routes),
                    outcome.expected,
                    outcome.actual
                ));
            }
            outcomes.push(outcome);
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
            let expected = (route.expected)(&Cell::nowhere(caller)).observed();
            let failure = (actual != expected).then(|| {
                format!(
                    "{} {} · {} · no such resource: expected {expected}, got {actual}",
                    route.method,
                    route.path,
                    caller.label(),
                )
            });
            missing.push(Missing {
                route: r,
                caller,
                actual,
                failure,
            });
        }
    }

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
    for o in outcomes.iter_mut().filter(|o| hidden[o.index]) {
        let absent = missing
            .iter()
            .find(|m| m.route == o.route && m.caller == o.cell.caller)
            .unwrap();
        if o.actual != absent.actual && o.failure.is_none() {
            o.failure = Some(format!(
                "{}: hidden from the caller yet answered {}, not {} as for a missing resource",
                o.describe(&routes),
                o.actual,
                absent.actual
            ));
        }
    }

    let failures: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o.failure.as_deref())
        .chain(missing.iter().filter_map(|m| m.failure.as_deref()))
        .collect();
    conclude(
        &Section::RESOURCES,
        &render(&routes, &outcomes, &missing),
        &failures,
        outcomes.len() + missing.len(),
    );
}

// ───────────────────────────── the document ─────────────────────────────

/// How the answers of one table are shown: the status (successes in bold,
/// with what the caller sees where the matrix says), and the problem's code
/// only where the table gives one status with several codes; a cell that
/// breaks the rules is marked ⚠ (the test fails while there is one).
struct Legend {
    /// The codes seen under each refusal's status.
    codes: BTreeMap<String, Vec<String>>,
}

impl Legend {
    fn of<'a>(answers: impl IntoIterator<Item = &'a str>) -> Self {
        let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for answer in answers {
            if let Some((status, code)) = answer.split_once(' ')
                && !status.starts_with('2')
            {
                let seen = codes.entry(status.to_owned()).or_default();
                if !seen.iter().any(|c| c == code) {
                    seen.push(code.to_owned());
                }
            }
        }
        for seen in codes.values_mut() {
            seen.sort();
        }
        Self { codes }
    }

    /// One cell.
    fn cell(&self, actual: &str, broken: bool) -> String {
        let (status, rest) = actual.split_once(' ').unwrap_or((actual, ""));
        let mut shown = if status.starts_with('2') {
            if rest.is_empty() {
                format!("**{status}**")
            } else {
                format!("**{status}** {rest}")
            }
        } else if self.codes.get(status).is_some_and(|codes| codes.len() > 1) {
            format!("{status} {rest}")
        } else {
            status.to_owned()
        };
        if broken {
            shown.push_str(" ⚠");
        }
        shown
    }

    /// The codes of the refusals, by status: `401 `unauthenticated`; …`.
    fn line(&self) -> String {
        let refusals: Vec<String> = self
            .codes
            .iter()
            .map(|(status, codes)| {
                let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
                format!("{status} {}", codes.join(", "))
            })
            .collect();
        if refusals.is_empty() {
            "No refusal.".into()
        } else {
            format!("Refusals: {}.", refusals.join("; "))
        }
    }
}

/// The table's heading row and separator, with `first` over the row labels.
fn table_head(out: &mut String, first: &str, columns: &[String]) {
    write!(out, "\n| {first} |").unwrap();
    for column in columns {
        write!(out, " {column} |").unwrap();
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(columns.len()));
    out.push('\n');
}

/// A route's heading: its method, path and body.
fn heading(method: &Method, path: &str, body: Payload) -> String {
    let mut out = format!("\n### `{method} {path}`");
    match body {
        Payload::None => {}
        Payload::Json(body) => write!(out, " with `{body}`").unwrap(),
        Payload::Pdf => write!(
            out,
            " with a {}-byte PDF as the raw body (`application/pdf`)",
            PDF.len()
        )
        .unwrap(),
    }
    out.push('\n');
    out
}

/// The first line of each generated section.
fn generated_by() -> String {
    format!(
        "<!-- Generated by crates/http/tests/access_matrix.rs; do not edit by hand: run `{REGENERATE}`. -->\n"
    )
}

fn render(routes: &[Route], outcomes: &[Outcome], missing: &[Missing]) -> String {
    let callers = Caller::all();
    let mut out = generated_by();
    writeln!(
        out,
        "\n{} routes × {} callers × ({} visibilities × {} states, plus an id that exists \
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
         anyone else (*other*); and a moderator and an administrator without two-factor \
         authentication (*no 2FA*), as anyone else.\n\n\
         Each cell is a fresh resource; on the routes of one attachment, \
         `{attachmentId}` is a PDF attached to it beforehand (on the id that exists nowhere, \
         an attachment id that exists nowhere either); `POST /api/v1/reports` carries the \
         resource's id in its body.\n\n\
         Answers: **200** / **201** / **204** done; 401 no token; 403 seen but not allowed \
         (`two_factor_required` where the role would do with two-factor authentication); \
         404 not seen (exactly as if it did not exist); 409 allowed but not from this state. \
         Under each route, the problem codes it answers with.\n",
    );
    let labels: Vec<String> = callers.iter().map(|c| c.label()).collect();
    for (r, route) in routes.iter().enumerate() {
        let ours = || outcomes.iter().filter(move |o| o.route == r);
        let absent = || missing.iter().filter(move |m| m.route == r);
        let legend = Legend::of(
            ours()
                .map(|o| o.actual.as_str())
                .chain(absent().map(|m| m.actual.as_str())),
        );
        out.push_str(&heading(&route.method, route.path, route.body));
        write!(out, "\n{}\n", legend.line()).unwrap();
        table_head(&mut out, "visibility · state", &labels);
        out.push_str("| *no such resource* |");
        for m in absent() {
            write!(out, " {} |", legend.cell(&m.actual, m.failure.is_some())).unwrap();
        }
        out.push('\n');
        for visibility in VISIBILITIES {
            for state in states() {
                write!(out, "| {} · {} |", visibility.as_str(), state.name()).unwrap();
                let row =
                    ours().filter(|o| o.cell.visibility == visibility && o.cell.state == state);
                for o in row {
                    write!(out, " {} |", legend.cell(&o.actual, o.failure.is_some())).unwrap();
                }
                out.push('\n');
            }
        }
    }
    out
}

/// A generated section of `docs/security.md`, between its two markers.
struct Section {
    /// What it holds, for messages.
    name: &'static str,
    begin: &'static str,
    end: &'static str,
}

impl Section {
    const RESOURCES: Self = Self {
        name: "resource access matrix",
        begin: "<!-- access-matrix:begin -->",
        end: "<!-- access-matrix:end -->",
    };
    const COMMENTS: Self = Self {
        name: "comment access matrix",
        begin: "<!-- access-matrix:comments:begin -->",
        end: "<!-- access-matrix:comments:end -->",
    };
    const ROLES: Self = Self {
        name: "role table",
        begin: "<!-- access-matrix:roles:begin -->",
        end: "<!-- access-matrix:roles:end -->",
    };
}

/// The matrices run as tests of their own, at once: one of them at a time
/// reads or rewrites the document.
static DOCUMENT: Mutex<()> = Mutex::new(());

/// Ends a matrix: with `UPDATE_ACCESS_MATRIX` set, writes `generated` into
/// its section of `docs/security.md` (broken cells marked); then fails on
/// every cell that breaks the rules; then, without the variable, fails
/// unless the section is exactly `generated`.
fn conclude(section: &Section, generated: &str, failures: &[&str], answers: usize) {
    let update = std::env::var_os("UPDATE_ACCESS_MATRIX").is_some();
    let _document = DOCUMENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md");
    let document = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (section.begin, section.end);
    let (Some(first), Some(last)) = (document.find(begin), document.find(end)) else {
        panic!("docs/security.md lacks the `{begin}` … `{end}` markers");
    };
    let start = first + begin.len();
    if update {
        let updated = format!(
            "{}\n{}\n{}",
            &document[..start],
            generated.trim_matches('\n'),
            &document[last..]
        );
        std::fs::write(&path, updated).unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {answers} answers of the {} break the rules:\n{}",
        failures.len(),
        section.name,
        failures.join("\n")
    );
    assert!(
        update || document[start..last].trim_matches('\n') == generated.trim_matches('\n'),
        "the {} in docs/security.md is out of date: run `{REGENERATE}` and review the diff",
        section.name
    );
}
