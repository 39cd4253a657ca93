//! The role table: the routes no citizen owns an object of (the moderation
//! queue and log, statistics, account administration, reports to dismiss,
//! feature flags) and the caller's own journal, inbox and feature flags,
//! called by a visitor and by each
//! role with and without two-factor authentication, on the objects whose
//! owner or state changes the answer.

use actix_web::http::Method;
use rr_application::ports::{
    CommentRecord, NotificationRepository, ReportRecord, ReportRepository, ResourceRepository,
};
use rr_domain::community::{
    CommentBody, CommentId, ContentRef, Notification, NotificationKind, ReportGrounds, ReportId,
    ReportReason, ReportStatus,
};
use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
use rr_domain::identity::{Role, UserId};
use rr_domain::resource::{Lifecycle, ResourceId, Visibility};
use std::fmt::Write as _;

use super::{
    Answer, Legend, Payload, Section, conclude, exchange, generated_by, observed, table_head,
};
use crate::support::{TestApp, World, account, record};

// ───────────────────────────── the callers ─────────────────────────────

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Visitor,
    Account { role: Role, two_factor: bool },
}

fn callers() -> [Caller; 7] {
    let account = |role, two_factor| Caller::Account { role, two_factor };
    [
        Caller::Visitor,
        account(Role::Citizen, false),
        account(Role::Moderator, false),
        account(Role::Moderator, true),
        account(Role::Administrator, false),
        account(Role::Administrator, true),
        account(Role::SuperAdministrator, true),
    ]
}

impl Caller {
    fn label(self) -> String {
        match self {
            Self::Visitor => "visitor".into(),
            Self::Account { role, two_factor } => {
                let role = match role {
                    Role::Citizen => "C",
                    Role::Moderator => "M",
                    Role::Administrator => "A",
                    Role::SuperAdministrator => "SA",
                };
                if two_factor || role == "C" {
                    role.to_owned()
                } else {
                    format!("{role} no 2FA")
                }
            }
        }
    }

    /// A username for the account.
    fn username(self) -> String {
        match self {
            Self::Visitor => unreachable!("a visitor has no account"),
            Self::Account { role, two_factor } => {
                format!(
                    "{}-{}",
                    role.as_str(),
                    if two_factor { "2fa" } else { "sans" }
                )
            }
        }
    }
}

// ───────────────────────────── the rows ─────────────────────────────

/// Whose account an administrator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    /// Someone else's, of this role.
    Other(Role),
    /// The caller's.
    Own,
    /// An id no account has.
    Nobody,
}

/// The report a moderator dismisses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    /// Open, on a published public resource of someone else's.
    OnResource,
    /// Open, on a visible comment of someone else's.
    OnComment,
    /// Open, on a published public resource of the caller's.
    OnOwnResource,
    /// Open, on a resource its author made private since: out of every
    /// moderator's sight.
    OnResourceMadePrivate,
    /// Dismissed already.
    Dismissed,
    /// An id no report has.
    Nobody,
}

/// Whose notification the caller marks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inbox {
    Own,
    Another,
}

/// Which feature flag an administrator's request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    /// A key no flag has yet, fresh for each cell: to create.
    Fresh,
    /// A flag stored for each cell, at version 0.
    Stored,
    /// A key no flag has.
    Nobody,
}

/// What a row's request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    Nothing,
    Account(Whose),
    Report(Report),
    Notification(Inbox),
    Flag(Flag),
}

impl Object {
    fn label(self) -> &'static str {
        match self {
            Self::Nothing => "",
            Self::Account(Whose::Other(Role::Citizen)) => "a citizen's account",
            Self::Account(Whose::Other(Role::Moderator)) => "a moderator's account",
            Self::Account(Whose::Other(Role::Administrator)) => "another administrator's account",
            Self::Account(Whose::Other(Role::SuperAdministrator)) => {
                "another super-administrator's account"
            }
            Self::Account(Whose::Own) => "the caller's own account",
            Self::Account(Whose::Nobody) | Self::Report(Report::Nobody) => {
                "an id that exists nowhere"
            }
            Self::Report(Report::OnResource) => "open, on someone else's resource",
            Self::Report(Report::OnComment) => "open, on someone else's comment",
            Self::Report(Report::OnOwnResource) => "open, on the caller's resource",
            Self::Report(Report::OnResourceMadePrivate) => "open, on a resource made private since",
            Self::Report(Report::Dismissed) => "dismissed already",
            Self::Notification(Inbox::Own) => "the caller's",
            Self::Notification(Inbox::Another) => "another account's",
            Self::Flag(Flag::Fresh) => "a new key",
            Self::Flag(Flag::Stored) => "a flag",
            Self::Flag(Flag::Nobody) => "a key no flag has",
        }
    }
}

/// One row of the table: a route on one object.
struct Row {
    method: Method,
    /// With `{id}` where the object's id goes (`{key}` for a flag's key).
    path: &'static str,
    body: Payload,
    object: Object,
    expected: fn(Caller, Object) -> Answer,
}

impl Row {
    fn label(&self) -> String {
        match self.object {
            Object::Nothing => format!("`{} {}`", self.method, self.path),
            object => format!("`{} {}` · {}", self.method, self.path, object.label()),
        }
    }
}

fn rows() -> Vec<Row> {
    let row = |method, path, body, object, expected| Row {
        method,
        path,
        body,
        object,
        expected,
    };
    let mut rows = vec![
        row(
            Method::GET,
            "/api/v1/moderation/queue",
            Payload::None,
            Object::Nothing,
            rules::moderators,
        ),
        row(
            Method::GET,
            "/api/v1/admin/moderation-log",
            Payload::None,
            Object::Nothing,
            rules::administrators,
        ),
        row(
            Method::GET,
            "/api/v1/admin/statistics?from=2026-01-01&to=2026-02-01",
            Payload::None,
            Object::Nothing,
            rules::administrators,
        ),
        row(
            Method::GET,
            "/api/v1/admin/statistics.csv?from=2026-01-01&to=2026-02-01",
            Payload::None,
            Object::Nothing,
            rules::administrators,
        ),
        row(
            Method::GET,
            "/api/v1/admin/accounts",
            Payload::None,
            Object::Nothing,
            rules::administrators,
        ),
    ];
    for whose in Role::ALL
        .map(Whose::Other)
        .into_iter()
        .chain([Whose::Own, Whose::Nobody])
    {
        rows.push(row(
            Method::GET,
            "/api/v1/admin/accounts/{id}?reason=Demande%20d%27assistance",
            Payload::None,
            Object::Account(whose),
            rules::read_account,
        ));
    }
    for report in [
        Report::OnResource,
        Report::OnComment,
        Report::OnOwnResource,
        Report::OnResourceMadePrivate,
        Report::Dismissed,
        Report::Nobody,
    ] {
        rows.push(row(
            Method::POST,
            "/api/v1/moderation/reports/{id}/dismiss",
            Payload::Json("{}"),
            Object::Report(report),
            rules::dismiss,
        ));
    }
    rows.extend([
        row(
            Method::GET,
            "/api/v1/me/access-log",
            Payload::None,
            Object::Nothing,
            rules::anyone,
        ),
        row(
            Method::GET,
            "/api/v1/me/notifications",
            Payload::None,
            Object::Nothing,
            rules::anyone,
        ),
        row(
            Method::POST,
            "/api/v1/me/notifications/{id}/read",
            Payload::None,
            Object::Notification(Inbox::Own),
            rules::mark_read,
        ),
        row(
            Method::POST,
            "/api/v1/me/notifications/{id}/read",
            Payload::None,
            Object::Notification(Inbox::Another),
            rules::mark_read,
        ),
        row(
            Method::POST,
            "/api/v1/me/notifications/read-all",
            Payload::None,
            Object::Nothing,
            rules::anyone_done,
        ),
        row(
            Method::GET,
            "/api/v1/features",
            Payload::None,
            Object::Nothing,
            rules::everybody,
        ),
        row(
            Method::GET,
            "/api/v1/admin/feature-flags",
            Payload::None,
            Object::Nothing,
            rules::administrators,
        ),
        row(
            Method::POST,
            "/api/v1/admin/feature-flags",
            Payload::Json(r#"{"key":"{id}","description":"Canari.","rolloutPercent":15}"#),
            Object::Flag(Flag::Fresh),
            rules::create_flag,
        ),
    ]);
    for flag in [Flag::Stored, Flag::Nobody] {
        rows.extend([
            row(
                Method::GET,
                "/api/v1/admin/feature-flags/{key}",
                Payload::None,
                Object::Flag(flag),
                rules::flag,
            ),
            row(
                Method::PATCH,
                "/api/v1/admin/feature-flags/{key}",
                Payload::Json(r#"{"version":0,"rolloutPercent":30}"#),
                Object::Flag(flag),
                rules::flag,
            ),
            row(
                Method::DELETE,
                "/api/v1/admin/feature-flags/{key}",
                Payload::None,
                Object::Flag(flag),
                rules::delete_flag,
            ),
        ]);
    }
    // A new route without an owner goes here, with its oracle in `rules`;
    // then regenerate the tables (see the top of access_matrix.rs).
    rows
}

// ───────────────────────────── the oracle ─────────────────────────────

/// The rules, from DESIGN.md §1 (roles) and §4 (two-factor authentication
/// for moderators and above), `docs/security.md` ("Roles and
/// authorisation": `two_factor_required` only when the role would do) and
/// the API guide (moderation, statistics, administration, notifications).
mod rules {
    use super::{Answer, Caller, Flag, Inbox, Object, Report, Role, Whose};

    type Check = Result<(), Answer>;

    fn answer(checks: Check, done: Answer) -> Answer {
        checks.map_or_else(|refusal| refusal, |()| done)
    }

    fn logged_in(c: Caller) -> Check {
        match c {
            Caller::Visitor => Err(Answer::NoToken),
            Caller::Account { .. } => Ok(()),
        }
    }

    /// `needed` and above, with two-factor authentication: a role below
    /// is `forbidden`, 2FA or not; the role without 2FA is
    /// `two_factor_required`.
    fn acts_as(c: Caller, needed: Role) -> Check {
        logged_in(c)?;
        match c {
            Caller::Account { role, .. } if role < needed => Err(Answer::Forbidden),
            Caller::Account {
                two_factor: false, ..
            } => Err(Answer::TwoFactorRequired),
            _ => Ok(()),
        }
    }

    /// The moderation queue: moderators and above.
    pub(super) fn moderators(c: Caller, _: Object) -> Answer {
        answer(acts_as(c, Role::Moderator), Answer::Ok)
    }

    /// The moderation log, statistics and their CSV, the account list:
    /// administrators and above.
    pub(super) fn administrators(c: Caller, _: Object) -> Answer {
        answer(acts_as(c, Role::Administrator), Answer::Ok)
    }

    /// An account's personal data: administrators read the accounts below
    /// their role, super-administrators any account but their own; an id
    /// no account has is 404 to those who may read accounts.
    pub(super) fn read_account(c: Caller, object: Object) -> Answer {
        let Object::Account(whose) = object else {
            unreachable!("an account")
        };
        let checks = acts_as(c, Role::Administrator).and_then(|()| {
            let Caller::Account { role, .. } = c else {
                unreachable!("logged in")
            };
            match whose {
                Whose::Nobody => Err(Answer::NotFound),
                Whose::Own => Err(Answer::Forbidden),
                Whose::Other(target) if target < role || role == Role::SuperAdministrator => Ok(()),
                Whose::Other(_) => Err(Answer::Forbidden),
            }
        });
        answer(checks, Answer::Ok)
    }

    /// Dismissing a report: moderators and above, on an open report whose
    /// content they still see (404 otherwise, as for no report), never
    /// about their own content (`forbidden`); a closed one is
    /// `report_closed`.
    pub(super) fn dismiss(c: Caller, object: Object) -> Answer {
        let Object::Report(report) = object else {
            unreachable!("a report")
        };
        let checks = acts_as(c, Role::Moderator).and(match report {
            Report::Nobody | Report::OnResourceMadePrivate => Err(Answer::NotFound),
            Report::OnOwnResource => Err(Answer::Forbidden),
            Report::Dismissed => Err(Answer::ReportClosed),
            Report::OnResource | Report::OnComment => Ok(()),
        });
        answer(checks, Answer::Ok)
    }

    /// One's own journal and inbox: any account, 2FA or not (the right to
    /// know who read one's data is everyone's, staff included).
    pub(super) fn anyone(c: Caller, _: Object) -> Answer {
        answer(logged_in(c), Answer::Ok)
    }

    /// One's feature flags: everybody, visitors included (they get the
    /// flags on for everybody).
    pub(super) fn everybody(_: Caller, _: Object) -> Answer {
        Answer::Ok
    }

    /// Creating a feature flag: administrators and above.
    pub(super) fn create_flag(c: Caller, _: Object) -> Answer {
        answer(acts_as(c, Role::Administrator), Answer::Created)
    }

    /// A feature flag, read or changed: administrators and above; a key
    /// no flag has is 404 to them.
    pub(super) fn flag(c: Caller, object: Object) -> Answer {
        let checks = acts_as(c, Role::Administrator).and(match object {
            Object::Flag(Flag::Nobody) => Err(Answer::NotFound),
            _ => Ok(()),
        });
        answer(checks, Answer::Ok)
    }

    /// Deleting a feature flag: as [`flag`], answered 204.
    pub(super) fn delete_flag(c: Caller, object: Object) -> Answer {
        match flag(c, object) {
            Answer::Ok => Answer::NoContent,
            refusal => refusal,
        }
    }

    /// Marking every notification of one's inbox read.
    pub(super) fn anyone_done(c: Caller, _: Object) -> Answer {
        answer(logged_in(c), Answer::NoContent)
    }

    /// Marking one notification read: one's own; another account's is 404,
    /// as if it did not exist (nobody, staff included, reads another inbox).
    pub(super) fn mark_read(c: Caller, object: Object) -> Answer {
        let checks = logged_in(c).and(match object {
            Object::Notification(Inbox::Own) => Ok(()),
            _ => Err(Answer::NotFound),
        });
        answer(checks, Answer::NoContent)
    }
}

// ───────────────────────────── the objects ─────────────────────────────

/// The accounts of the table.
struct People {
    /// Each caller's account and token, in the order of [`callers`] (none
    /// for the visitor).
    callers: Vec<Option<(UserId, String)>>,
    /// Someone else's account of each role, in the order of [`Role::ALL`].
    targets: Vec<UserId>,
    /// A citizen whose content is reported and who gets notifications.
    owner: UserId,
    /// A citizen who reports.
    reporter: UserId,
}

impl People {
    fn id(&self, caller: usize) -> Option<UserId> {
        self.callers[caller].as_ref().map(|(id, _)| *id)
    }

    fn token(&self, caller: usize) -> Option<&str> {
        self.callers[caller].as_ref().map(|(_, t)| t.as_str())
    }
}

/// A published resource of `author`'s, stored.
async fn resource(world: &World, author: UserId, visibility: Visibility) -> ResourceId {
    let now = world.fx.clock.now_for_tests();
    let stored = record(author, visibility, Lifecycle::Published, Vec::new(), now);
    world.resources.insert(&stored).await.unwrap();
    stored.id
}

/// A fresh report as `report` says, stored straight into the fakes; its id.
async fn report(
    world: &World,
    people: &People,
    caller: Option<UserId>,
    report: Report,
) -> ReportId {
    let now = world.fx.clock.now_for_tests();
    let author = match report {
        Report::Nobody => return ReportId::generate(),
        Report::OnOwnResource => caller.unwrap_or(people.owner),
        _ => people.owner,
    };
    // Reported while public; made private since, in one case.
    let visibility = if report == Report::OnResourceMadePrivate {
        Visibility::Private
    } else {
        Visibility::Public
    };
    let on = resource(world, author, visibility).await;
    let target = if report == Report::OnComment {
        let id = CommentId::generate();
        world.comments.put(CommentRecord {
            id,
            resource: on,
            parent: None,
            root: id,
            depth: 0,
            author: people.owner,
            body: Some(CommentBody::parse("Un avis tranché.").unwrap()),
            as_moderator: false,
            state: rr_domain::community::CommentState::Visible,
            created_at: now,
            edited_at: None,
            updated_at: now,
            version: 0,
        });
        ContentRef::Comment {
            comment: id,
            resource: on,
        }
    } else {
        ContentRef::Resource(on)
    };
    let id = ReportId::generate();
    world
        .moderation
        .file(&ReportRecord {
            id,
            reporter: people.reporter,
            target,
            grounds: ReportGrounds::new(ReportReason::Spam, None).unwrap(),
            status: ReportStatus::Open,
            created_at: now,
            closed_at: None,
            closed_by: None,
            note: None,
        })
        .await
        .unwrap();
    if report == Report::Dismissed {
        let moderator = people.targets[1];
        assert!(
            world
                .moderation
                .dismiss(id, moderator, now, None)
                .await
                .unwrap()
        );
    }
    id
}

/// A fresh notification in `recipient`'s inbox; its id.
async fn notification(world: &World, people: &People, recipient: UserId) -> String {
    let about = resource(world, people.owner, Visibility::Public).await;
    let stored = Notification::new(
        recipient,
        NotificationKind::ResourceApproved { resource: about },
        world.fx.clock.now_for_tests(),
    );
    world.notifications.insert(&stored).await.unwrap();
    stored.id.as_uuid().to_string()
}

/// A feature flag at version 0, off.
fn stored_flag(key: &str) -> FeatureFlag {
    let key = FlagKey::parse(key).unwrap();
    FeatureFlag::create(
        key.clone(),
        FlagSettings {
            description: FlagDescription::parse("Canari.").unwrap(),
            enabled: false,
            rollout: Rollout::NONE,
            group: key,
            regions: std::collections::BTreeSet::new(),
            roles: std::collections::BTreeSet::new(),
        },
        time::macros::datetime!(2026-11-29 09:00 UTC),
    )
}

/// The id the row's path names, for the caller in position `caller`.
async fn object_id(world: &World, people: &People, caller: usize, object: Object) -> String {
    let me = people.id(caller);
    match object {
        Object::Nothing => String::new(),
        Object::Account(whose) => match whose {
            Whose::Other(role) => {
                let position = Role::ALL.iter().position(|r| *r == role).unwrap();
                people.targets[position].as_uuid().to_string()
            }
            // A visitor has no account: anyone's will do, they get 401.
            Whose::Own => me.unwrap_or(people.owner).as_uuid().to_string(),
            Whose::Nobody => UserId::generate().as_uuid().to_string(),
        },
        Object::Report(which) => report(world, people, me, which).await.as_uuid().to_string(),
        Object::Notification(Inbox::Own) => {
            notification(world, people, me.unwrap_or(people.owner)).await
        }
        Object::Notification(Inbox::Another) => notification(world, people, people.owner).await,
        Object::Flag(which) => {
            let key = format!("f{}", rr_domain::Uuid::now_v7().simple());
            if which == Flag::Stored {
                world.flag_store.put(stored_flag(&key));
            }
            key
        }
    }
}

// ───────────────────────────── the test ─────────────────────────────

struct Outcome {
    row: usize,
    actual: String,
    failure: Option<String>,
}

async fn call(app: &impl TestApp, row: &Row, id: &str, token: Option<&str>) -> String {
    // Flags are named by their key.
    let path = row.path.replace("{id}", id).replace("{key}", id);
    observed(&exchange(app, &row.method, &path, row.body, id, token).await)
}

#[actix_web::test]
async fn every_role_gets_what_the_rules_say_on_every_route_without_an_owner() {
    let world = super::world();
    let fx = &world.fx;
    let app = world.app().await;
    let mut accounts = Vec::new();
    for caller in callers() {
        accounts.push(match caller {
            Caller::Visitor => None,
            Caller::Account { role, two_factor } => {
                Some(account(fx, &caller.username(), role, two_factor).await)
            }
        });
    }
    let mut targets = Vec::new();
    for role in Role::ALL {
        let name = format!("cible-{}", role.as_str());
        targets.push(account(fx, &name, role, role.is_staff()).await.0);
    }
    let people = People {
        callers: accounts,
        targets,
        owner: account(fx, "owner", Role::Citizen, false).await.0,
        reporter: account(fx, "reporter", Role::Citizen, false).await.0,
    };

    let rows = rows();
    let callers = callers();
    let mut outcomes = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, caller) in callers.iter().enumerate() {
            let id = object_id(&world, &people, c, row.object).await;
            let actual = call(&app, row, &id, people.token(c)).await;
            let expected = (row.expected)(*caller, row.object).observed();
            let failure = (actual != expected).then(|| {
                format!(
                    "{} · {}: expected {expected}, got {actual}",
                    row.label(),
                    caller.label()
                )
            });
            outcomes.push(Outcome {
                row: r,
                actual,
                failure,
            });
        }
    }

    let failures: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o.failure.as_deref())
        .collect();
    conclude(
        &Section::ROLES,
        &render(&rows, &outcomes),
        &failures,
        outcomes.len(),
    );
}

// ───────────────────────────── the document ─────────────────────────────

fn render(rows: &[Row], outcomes: &[Outcome]) -> String {
    let callers = callers();
    let mut out = generated_by();
    writeln!(
        out,
        "\n{} rows × {} callers = {} answers, each checked against the rules written in the \
         test.\n",
        rows.len(),
        callers.len(),
        outcomes.len()
    )
    .unwrap();
    out.push_str(
        "Callers: *visitor* (no token); **C** citizen; **M** moderator, **A** administrator, \
         **SA** super-administrator, with two-factor authentication or without it (*no 2FA*).\n\n\
         Each report is fresh, made by a citizen; on a comment, the comment is visible. Each \
         notification is fresh. `GET /api/v1/admin/accounts/{id}` reads another account of \
         each role, the caller's own, and an id no account has. Each feature flag is fresh \
         (created, or stored at version 0 before the call), and so is each key no flag has.\n\n\
         Answers: **200** / **201** / **204** done; 401 no token; 403 `forbidden` (the role is not \
         enough, or the object is one the caller may not act on) or `two_factor_required` \
         (the role would do, without its second factor); 404 no such object, or another \
         account's notification; 409 no longer open.\n",
    );
    let legend = Legend::of(outcomes.iter().map(|o| o.actual.as_str()));
    write!(out, "\n{}\n", legend.line()).unwrap();
    let labels: Vec<String> = callers.iter().map(|c| c.label()).collect();
    table_head(&mut out, "route · object", &labels);
    for (r, row) in rows.iter().enumerate() {
        write!(out, "| {} |", row.label()).unwrap();
        for o in outcomes.iter().filter(|o| o.row == r) {
            write!(out, " {} |", legend.cell(&o.actual, o.failure.is_some())).unwrap();
        }
        out.push('\n');
    }
    out
}
