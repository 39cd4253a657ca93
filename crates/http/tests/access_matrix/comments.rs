//! The comment access matrix: every route that takes a comment id, and the
//! thread the comment is read in, called by every caller (a visitor; each
//! role as the comment's author, as the resource's author, as anyone else)
//! on a comment in every state, on a published public resource; and on a
//! visible comment of a resource its author made private, which nobody but
//! that author sees any more.
//!
//! The thread's cells say what the caller reads of the comment: its text,
//! the placeholder of a withheld comment, or a tombstone (ADR 0015, "what a
//! viewer reads is one pure function").

use actix_web::http::Method;
use rr_application::ports::{CommentRecord, ResourceRepository};
use rr_domain::community::{CommentBody, CommentId, CommentState};
use rr_domain::identity::{Role, UserId};
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use std::fmt::Write as _;

use super::{
    Answer, Legend, Payload, Section, conclude, exchange, generated_by, heading, initial, observed,
    table_head,
};
use crate::support::{self, TestApp, account, record};

// ───────────────────────────── the routes ─────────────────────────────

/// A route on one comment, and what it should answer.
struct Route {
    method: Method,
    /// With `{id}` where the comment id goes, or `{resourceId}` where its
    /// resource's id goes.
    path: &'static str,
    /// What the request carries; `{id}` in it is the comment id.
    body: Payload,
    /// The oracle.
    expected: fn(&Cell) -> Expected,
}

impl Route {
    /// The thread of the comment's resource, where what the caller reads of
    /// the comment is observed.
    fn is_thread(&self) -> bool {
        self.path.contains("{resourceId}")
    }
}

/// Every route that takes a comment id, after the thread.
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
            "/api/v1/resources/{resourceId}/comments",
            Payload::None,
            rules::thread,
        ),
        route(
            Method::PATCH,
            "/api/v1/comments/{id}",
            Payload::Json(r#"{"body":"Merci, la deuxième piste a bien marché chez nous."}"#),
            rules::edit,
        ),
        route(
            Method::DELETE,
            "/api/v1/comments/{id}",
            Payload::None,
            rules::delete,
        ),
        route(
            Method::POST,
            "/api/v1/reports",
            Payload::Json(r#"{"target":{"kind":"comment","id":"{id}"},"reason":"harassment"}"#),
            rules::report,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/comments/{id}/hide",
            Payload::Json(r#"{"reason":"Propos blessants envers une personne."}"#),
            rules::hide,
        ),
        route(
            Method::POST,
            "/api/v1/moderation/comments/{id}/restore",
            Payload::None,
            rules::restore,
        ),
        // A new route that takes a comment id goes here, with its oracle in
        // `rules`; then regenerate the tables (see the top of access_matrix.rs).
    ]
}

// ───────────────────────────── the cells ─────────────────────────────

/// How a caller stands to the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stand {
    /// Wrote the comment.
    CommentAuthor,
    /// Wrote the resource it is on.
    ResourceAuthor,
    /// Neither.
    Other,
}

/// Who calls. Staff accounts have two-factor authentication, but for the
/// last callers, who have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Visitor,
    User(Role, Stand),
    /// A staff account without two-factor authentication, as anyone else.
    WithoutSecondFactor(Role),
}

impl Caller {
    fn all() -> Vec<Self> {
        let mut all = vec![Self::Visitor];
        for role in Role::ALL {
            for stand in [Stand::CommentAuthor, Stand::ResourceAuthor, Stand::Other] {
                all.push(Self::User(role, stand));
            }
        }
        all.push(Self::WithoutSecondFactor(Role::Moderator));
        all.push(Self::WithoutSecondFactor(Role::Administrator));
        all
    }

    fn label(self) -> String {
        match self {
            Self::Visitor => "visitor".into(),
            Self::User(role, stand) => {
                let role = initial(role);
                let stand = match stand {
                    Stand::CommentAuthor => "author",
                    Stand::ResourceAuthor => "owner",
                    Stand::Other => "other",
                };
                format!("{role} {stand}")
            }
            Self::WithoutSecondFactor(role) => format!("{} no 2FA", initial(role)),
        }
    }
}

/// The comment, and its resource's visibility and state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Case {
    state: CommentState,
    visibility: Visibility,
    resource: Lifecycle,
}

impl Case {
    fn label(&self) -> String {
        match (self.visibility, &self.resource) {
            (Visibility::Public, Lifecycle::Published) => self.state.name().to_owned(),
            (Visibility::Public, state) => {
                format!("{}, resource {}", self.state.name(), state.name())
            }
            (Visibility::Restricted, _) => format!("{}, resource restricted", self.state.name()),
            (visibility, _) => format!(
                "{}, resource made {}",
                self.state.name(),
                visibility.as_str()
            ),
        }
    }
}

/// Every state on a published public resource; then a visible comment on a
/// published restricted resource, on a public one back in review (held by
/// reports, or edited), and on one its author made private after it was
/// commented on.
fn cases() -> Vec<Case> {
    let public = |state| Case {
        state,
        visibility: Visibility::Public,
        resource: Lifecycle::Published,
    };
    vec![
        public(CommentState::Visible),
        public(CommentState::Held),
        public(CommentState::Hidden {
            reason: "Propos blessants.".into(),
        }),
        public(CommentState::Deleted),
        Case {
            visibility: Visibility::Restricted,
            ..public(CommentState::Visible)
        },
        Case {
            resource: Lifecycle::PendingReview,
            ..public(CommentState::Visible)
        },
        Case {
            visibility: Visibility::Private,
            ..public(CommentState::Visible)
        },
    ]
}

/// One caller, one comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    caller: Caller,
    case: Case,
}

impl Cell {
    /// What the rules say of a comment that exists nowhere: a visible
    /// comment of someone else's on a private resource of someone else's,
    /// which nobody sees.
    fn nowhere(caller: Caller) -> Self {
        let caller = match caller {
            Caller::User(role, _) => Caller::User(role, Stand::Other),
            other => other,
        };
        Self {
            caller,
            case: Case {
                state: CommentState::Visible,
                visibility: Visibility::Private,
                resource: Lifecycle::Published,
            },
        }
    }
}

/// Every cell, in the order of the tables: by case, then caller.
fn cells() -> Vec<Cell> {
    let mut cells = Vec::new();
    for case in cases() {
        for caller in Caller::all() {
            cells.push(Cell {
                caller,
                case: case.clone(),
            });
        }
    }
    cells
}

// ───────────────────────────── the oracle ─────────────────────────────

/// What a caller reads of a comment in its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    /// Its text and author, with its true state (and, when hidden, the
    /// moderator's reason).
    Text,
    /// The placeholder: state `hidden`, no text, author, edit mark or
    /// reason, whether it is held or hidden.
    Withheld,
    /// State `deleted`, no text, no author.
    Tombstone,
}

/// What a route answers: a refusal or a success, or, on the thread, what
/// the caller reads of the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Answer(Answer),
    Sees(Sight),
}

impl Expected {
    fn observed(self) -> String {
        match self {
            Self::Answer(answer) => answer.observed(),
            Self::Sees(Sight::Text) => "200 text".into(),
            Self::Sees(Sight::Withheld) => "200 withheld".into(),
            Self::Sees(Sight::Tombstone) => "200 tombstone".into(),
        }
    }
}

/// The rules, from DESIGN.md §1 "Comments", ADR 0015 and the API guide
/// ("Comments", "Reports and moderation"), stated on their own rather than
/// by calling `comment_sight` or the services' checks.
mod rules {
    use super::{
        Answer, Caller, Cell, CommentState, Expected, Lifecycle, Role, Sight, Stand, Visibility,
    };

    /// Checks in the order routes make them; the first that fails answers.
    type Check = Result<(), Answer>;

    fn role(c: &Cell) -> Option<Role> {
        match c.caller {
            Caller::Visitor => None,
            Caller::User(role, _) | Caller::WithoutSecondFactor(role) => Some(role),
        }
    }

    fn is(c: &Cell, stand: Stand) -> bool {
        matches!(c.caller, Caller::User(_, s) if s == stand)
    }

    /// Moderators and above, with two-factor authentication: without it, a
    /// staff account has a citizen's sight and rights (ADR 0015: withheld
    /// comments are read whole by "moderators and above with two-factor
    /// authentication").
    fn staff(c: &Cell) -> bool {
        matches!(c.caller, Caller::User(r, _) if r >= Role::Moderator)
    }

    /// The same cell, had the caller two-factor authentication.
    fn with_second_factor(c: &Cell) -> Cell {
        let mut c = c.clone();
        if let Caller::WithoutSecondFactor(role) = c.caller {
            c.caller = Caller::User(role, Stand::Other);
        }
        c
    }

    /// Comments are seen through their resource. Its author sees it;
    /// published, a public one is seen by everyone, a restricted one by any
    /// logged-in account, a private one by nobody else (staff included:
    /// moderators never see private resources); back in review, a public one
    /// is seen by staff besides its author.
    fn sees_resource(c: &Cell) -> bool {
        if is(c, Stand::ResourceAuthor) {
            return true;
        }
        if c.case.resource != Lifecycle::Published {
            return staff(c) && moderated(c);
        }
        match c.case.visibility {
            Visibility::Public => true,
            Visibility::Restricted => role(c).is_some(),
            Visibility::Private | Visibility::Shared => false,
        }
    }

    /// Public and restricted resources are what moderators moderate, their
    /// comments included.
    fn moderated(c: &Cell) -> bool {
        matches!(
            c.case.visibility,
            Visibility::Public | Visibility::Restricted
        )
    }

    /// What is reported is what moderators moderate, and only once
    /// published: private and shared resources are between their author and
    /// the people they chose, and a resource in review is already before
    /// the moderators.
    fn reportable_resource(c: &Cell) -> bool {
        moderated(c) && c.case.resource == Lifecycle::Published
    }

    fn logged_in(c: &Cell) -> Check {
        if role(c).is_some() {
            Ok(())
        } else {
            Err(Answer::NoToken)
        }
    }

    /// 404 for a comment whose resource the caller may not see.
    fn visible(c: &Cell) -> Check {
        if sees_resource(c) {
            Ok(())
        } else {
            Err(Answer::NotFound)
        }
    }

    /// 403 for what the caller sees but `rule` does not let them do:
    /// `two_factor_required` when their role would do with two-factor
    /// authentication, `forbidden` otherwise.
    fn allowed(c: &Cell, rule: fn(&Cell) -> bool) -> Check {
        if rule(c) {
            Ok(())
        } else if rule(&with_second_factor(c)) {
            Err(Answer::TwoFactorRequired)
        } else {
            Err(Answer::Forbidden)
        }
    }

    fn state_allows(yes: bool) -> Check {
        if yes {
            Ok(())
        } else {
            Err(Answer::InvalidTransition)
        }
    }

    fn answer(checks: Check, done: Answer) -> Expected {
        Expected::Answer(checks.map_or_else(|refusal| refusal, |()| done))
    }

    /// What the caller reads of the comment in the thread: nothing (404)
    /// unless they see the resource; a tombstone once deleted, for everyone,
    /// staff and its author included; its text while visible; while held or
    /// hidden, its text for its author (who knows it, and is told why) and
    /// for staff (who judge it), the placeholder for everyone else — the
    /// resource's author included.
    pub(super) fn thread(c: &Cell) -> Expected {
        if !sees_resource(c) {
            return Expected::Answer(Answer::NotFound);
        }
        Expected::Sees(match c.case.state {
            CommentState::Deleted => Sight::Tombstone,
            CommentState::Visible => Sight::Text,
            CommentState::Held | CommentState::Hidden { .. } => {
                if is(c, Stand::CommentAuthor) || staff(c) {
                    Sight::Text
                } else {
                    Sight::Withheld
                }
            }
        })
    }

    /// `PATCH /comments/{id}`: its author only (moderators hide, they do
    /// not edit), a visible comment only: a held or hidden one keeps the
    /// text moderators judge, a deleted one has none.
    pub(super) fn edit(c: &Cell) -> Expected {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, |c| is(c, Stand::CommentAuthor)))
            .and_then(|()| state_allows(c.case.state == CommentState::Visible));
        answer(checks, Answer::Ok)
    }

    /// `DELETE /comments/{id}`: its author only, in any state but deleted
    /// (whatever moderators decided).
    pub(super) fn delete(c: &Cell) -> Expected {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| allowed(c, |c| is(c, Stand::CommentAuthor)))
            .and_then(|()| state_allows(c.case.state != CommentState::Deleted));
        answer(checks, Answer::NoContent)
    }

    /// `POST /reports` on a comment: any logged-in account but its author
    /// (`cannot_report_own`), on a visible comment of a published public or
    /// restricted resource (`not_reportable` otherwise: already withheld or
    /// deleted, on a private resource, or on one in review). Each cell is a
    /// first report.
    pub(super) fn report(c: &Cell) -> Expected {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| {
                if is(c, Stand::CommentAuthor) {
                    Err(Answer::CannotReportOwn)
                } else {
                    Ok(())
                }
            })
            .and_then(|()| {
                if reportable_resource(c) && c.case.state == CommentState::Visible {
                    Ok(())
                } else {
                    Err(Answer::NotReportable)
                }
            });
        answer(checks, Answer::Created)
    }

    /// A moderator's decision on a comment: staff, not on their own
    /// comment, on a resource moderators moderate (the resource's author may
    /// be a moderator: the comment is not theirs, so they may decide).
    fn decision(c: &Cell, from: fn(&CommentState) -> bool) -> Expected {
        let checks = logged_in(c)
            .and_then(|()| visible(c))
            .and_then(|()| {
                allowed(c, |c| {
                    staff(c) && !is(c, Stand::CommentAuthor) && moderated(c)
                })
            })
            .and_then(|()| state_allows(from(&c.case.state)));
        answer(checks, Answer::Ok)
    }

    /// `POST /moderation/comments/{id}/hide`: from visible or held.
    pub(super) fn hide(c: &Cell) -> Expected {
        decision(c, |s| {
            matches!(s, CommentState::Visible | CommentState::Held)
        })
    }

    /// `POST /moderation/comments/{id}/restore`: from held or hidden.
    pub(super) fn restore(c: &Cell) -> Expected {
        decision(c, CommentState::is_withheld)
    }
}

// ───────────────────────────── the application ─────────────────────────────

/// What the caller reads of `comment` in a page of its thread (see
/// [`Sight`]); anything else is spelt out, and breaks the rules.
fn sight(answer: &support::Answer, comment: CommentId, truth: &CommentState) -> String {
    if answer.status.as_u16() != 200 {
        return observed(answer);
    }
    let page = answer.json();
    let id = comment.as_uuid().to_string();
    let Some(item) = page["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["id"] == id.as_str()))
    else {
        return "200 without the comment".into();
    };
    let state = item["state"].as_str().unwrap_or_default();
    let shown = item["body"].is_string() && item["author"].is_string();
    let blank = item["body"].is_null()
        && item["author"].is_null()
        && item["editedAt"].is_null()
        && item["hiddenReason"].is_null();
    if shown && state == truth.name() && item["hiddenReason"].as_str() == truth.reason() {
        "200 text".into()
    } else if blank && state == "hidden" && item["mine"] == false {
        "200 withheld".into()
    } else if blank && state == "deleted" {
        "200 tombstone".into()
    } else {
        format!("200 {item}")
    }
}

/// Calls `route` on `comment` of `resource`.
async fn call(
    app: &impl TestApp,
    route: &Route,
    resource: ResourceId,
    comment: CommentId,
    truth: &CommentState,
    token: Option<&str>,
) -> String {
    let id = comment.as_uuid().to_string();
    let path = route
        .path
        .replace("{id}", &id)
        .replace("{resourceId}", &resource.as_uuid().to_string());
    let answer = exchange(app, &route.method, &path, route.body, &id, token).await;
    if route.is_thread() {
        sight(&answer, comment, truth)
    } else {
        observed(&answer)
    }
}

/// A top-level comment of `author`'s on `resource`, as stored, in `state`
/// (without its text once deleted).
fn comment(
    resource: ResourceId,
    author: UserId,
    state: CommentState,
    now: time::OffsetDateTime,
) -> CommentRecord {
    let id = CommentId::generate();
    CommentRecord {
        id,
        resource,
        parent: None,
        root: id,
        depth: 0,
        author,
        body: (state != CommentState::Deleted)
            .then(|| CommentBody::parse("Appelez-moi au 06 12 34 56 78.").unwrap()),
        as_moderator: false,
        state,
        created_at: now,
        edited_at: None,
        updated_at: now,
        version: 0,
    }
}

// ───────────────────────────── the test ─────────────────────────────

struct Outcome {
    route: usize,
    index: usize,
    cell: Cell,
    actual: String,
    failure: Option<String>,
}

struct Missing {
    route: usize,
    caller: Caller,
    actual: String,
    failure: Option<String>,
}

fn describe(route: &Route, caller: Caller, case: &str) -> String {
    format!(
        "{} {} · {} · {case}",
        route.method,
        route.path,
        caller.label()
    )
}

#[actix_web::test]
async fn every_caller_gets_what_the_rules_say_on_every_comment_route() {
    let world = super::world();
    let fx = &world.fx;
    let app = world.app().await;
    let (owner, _) = account(fx, "owner", Role::Citizen, false).await;
    let (commenter, _) = account(fx, "commenter", Role::Citizen, false).await;
    let mut accounts = Vec::new();
    for role in Role::ALL {
        let two_factor = role.is_staff();
        accounts.push((role, account(fx, role.as_str(), role, two_factor).await));
    }
    let now = fx.clock.now_for_tests();
    let account_of = |role: Role| {
        accounts
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, (id, token))| (*id, token.as_str()))
            .unwrap()
    };
    let mut without_second_factor = Vec::new();
    for caller in Caller::all() {
        if let Caller::WithoutSecondFactor(role) = caller {
            let name = format!("{}-sans-2fa", role.as_str());
            without_second_factor.push((role, account(fx, &name, role, false).await.1));
        }
    }
    let token_of = |caller: Caller| match caller {
        Caller::Visitor => None,
        Caller::User(role, _) => Some(account_of(role).1),
        Caller::WithoutSecondFactor(role) => without_second_factor
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, token)| token.as_str()),
    };

    let routes = routes();
    let cells = cells();
    let mut outcomes = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for (index, cell) in cells.iter().enumerate() {
            let (resource_author, comment_author) = match cell.caller {
                Caller::User(role, Stand::ResourceAuthor) => (account_of(role).0, commenter),
                Caller::User(role, Stand::CommentAuthor) => (owner, account_of(role).0),
                _ => (owner, commenter),
            };
            let resource = record(
                resource_author,
                cell.case.visibility,
                cell.case.resource.clone(),
                Vec::new(),
                now,
            );
            world.resources.insert(&resource).await.unwrap();
            let stored = comment(resource.id, comment_author, cell.case.state.clone(), now);
            world.comments.put(stored.clone());
            let token = token_of(cell.caller);
            let actual = call(&app, route, resource.id, stored.id, &stored.state, token).await;
            let expected = (route.expected)(cell).observed();
            let failure = (actual != expected).then(|| {
                format!(
                    "{}: expected {expected}, got {actual}",
                    describe(route, cell.caller, &cell.case.label())
                )
            });
            outcomes.push(Outcome {
                route: r,
                index,
                cell: cell.clone(),
                actual,
                failure,
            });
        }
    }

    // A comment that exists nowhere (the thread of a resource that exists
    // nowhere): what "as if it did not exist" must look like.
    let mut missing = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        for caller in Caller::all() {
            let (resource, comment) = (ResourceId::generate(), CommentId::generate());
            let token = token_of(caller);
            let truth = CommentState::Visible;
            let actual = call(&app, route, resource, comment, &truth, token).await;
            let expected = (route.expected)(&Cell::nowhere(caller)).observed();
            let failure = (actual != expected).then(|| {
                format!(
                    "{}: expected {expected}, got {actual}",
                    describe(route, caller, "no such comment")
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

    // Whatever the oracle says: where the caller cannot read the thread,
    // every route answers as for a comment that does not exist.
    let thread = routes.iter().position(Route::is_thread).unwrap();
    let mut unseen = vec![false; cells.len()];
    for o in outcomes.iter().filter(|o| o.route == thread) {
        unseen[o.index] = o.actual == Answer::NotFound.observed();
    }
    for o in outcomes.iter_mut().filter(|o| unseen[o.index]) {
        let absent = missing
            .iter()
            .find(|m| m.route == o.route && m.caller == o.cell.caller)
            .unwrap();
        if o.actual != absent.actual && o.failure.is_none() {
            o.failure = Some(format!(
                "{}: the caller cannot read the thread, yet got {}, not {} as for no such comment",
                describe(&routes[o.route], o.cell.caller, &o.cell.case.label()),
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
        &Section::COMMENTS,
        &render(&routes, &outcomes, &missing),
        &failures,
        outcomes.len() + missing.len(),
    );
}

// ───────────────────────────── the document ─────────────────────────────

fn render(routes: &[Route], outcomes: &[Outcome], missing: &[Missing]) -> String {
    let callers = Caller::all();
    let mut out = generated_by();
    writeln!(
        out,
        "\n{} routes × {} callers × ({} comments, plus an id that exists nowhere) = {} \
         answers, each checked against the rules written in the test; and wherever the \
         caller cannot read the thread (404), every route answers exactly as for the \
         comment that exists nowhere.\n",
        routes.len(),
        callers.len(),
        cases().len(),
        outcomes.len() + missing.len()
    )
    .unwrap();
    out.push_str(
        "Callers: *visitor* (no token); **C** citizen, **M** moderator, **A** administrator, \
         **SA** super-administrator (staff with two-factor authentication), each as the \
         comment's *author*, as the resource's author (*owner*) or as anyone else (*other*); \
         and a moderator and an administrator without two-factor authentication (*no 2FA*), \
         as anyone else.\n\n\
         Each cell is a fresh top-level comment on a fresh published public resource, in the \
         row's state; in the last three rows the comment is visible, and the resource \
         restricted, back in review (`pending_review`: held by reports, or edited), or private \
         (its author made it so after the comment was posted).\n\n\
         On the thread (`GET …/comments`), what the caller reads of the comment: **200** \
         *text* (its text and author, with its true state `held` or `hidden` and the \
         moderator's `hiddenReason`), **200** *withheld* (state `hidden`, and `body`, \
         `author`, `editedAt`, `hiddenReason` all `null`, whether it is held or hidden), \
         **200** *tombstone* (state `deleted`, no text, no author). Elsewhere: **200** / \
         **201** / **204** done; 401 no token; 403 seen but not allowed \
         (`two_factor_required` where the role would do with two-factor authentication); 404 not seen \
         (exactly as if it did not exist); 409 allowed but not from this state.\n",
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
        table_head(&mut out, "comment", &labels);
        out.push_str(if route.is_thread() {
            "| *no such resource* |"
        } else {
            "| *no such comment* |"
        });
        for m in absent() {
            write!(out, " {} |", legend.cell(&m.actual, m.failure.is_some())).unwrap();
        }
        out.push('\n');
        for case in cases() {
            write!(out, "| {} |", case.label()).unwrap();
            for o in ours().filter(|o| o.cell.case == case) {
                write!(out, " {} |", legend.cell(&o.actual, o.failure.is_some())).unwrap();
            }
            out.push('\n');
        }
    }
    out
}
