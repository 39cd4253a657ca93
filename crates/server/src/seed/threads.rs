//! The comment thread of one resource, with the reports on it and on its
//! comments, built as the API would have left them:
//!
//! - comments come after the resource's publication, in time order, each
//!   reply after its parent, no deeper than `[comments] max_depth`; about
//!   60 % are top-level, replies answer recent comments more often;
//! - authors are active accounts that existed then (early accounts write
//!   more), sometimes the resource's author answering; a few staff accounts
//!   speak as moderators;
//! - a comment changes state (deleted by its author: 2 %, hidden by a
//!   moderator with a reason: 0.5 %) only after its last reply, since only
//!   a visible comment takes replies; 6 % are edited before that;
//! - reports come from active citizens other than the author, on what was
//!   visible then, at most `per_target` per item (below the hold threshold):
//!   those on a hidden comment were resolved when it was hidden, one in five
//!   of the others dismissed by a moderator, the rest open.

use std::collections::HashMap;

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom as _;
use rr_application::ports::{CommentRecord, ReportRecord};
use rr_domain::community::{
    CommentBody, CommentId, CommentState, ContentRef, ReportGrounds, ReportId, ReportReason,
    ReportStatus, ReportText,
};
use rr_domain::identity::{AccountStatus, Role, UserRecord};
use rr_domain::resource::ResourceId;

use super::conversation::{DISMISSALS, HIDINGS, REPORT_TEXTS};
use super::discussion::Reported;
use super::people::weighted;
use super::plan::{Skeleton, power_law};
use super::resources::Accounts;
use super::text::{Subject, remark};
use super::{instant, uuid_v7};

/// Share of top-level comments (besides the first, always top-level).
const TOP_LEVEL: f64 = 0.6;
/// Share of replies written by the resource's author.
const BY_RESOURCE_AUTHOR: f64 = 0.15;
/// Share of comments written by staff speaking as moderators.
const AS_MODERATOR: f64 = 0.003;
/// Share of comments edited by their authors.
const EDITED: f64 = 0.06;
/// Comments deleted and hidden, per thousand.
const DELETED_PER_MILLE: u32 = 20;
const HIDDEN_PER_MILLE: u32 = 5;
/// Share of the reports still open that a moderator dismissed.
const DISMISSED: f64 = 0.2;

/// Reasons of reports, with their weights.
const REASONS: &[(ReportReason, u32)] = &[
    (ReportReason::Spam, 25),
    (ReportReason::InappropriateContent, 20),
    (ReportReason::Harassment, 15),
    (ReportReason::FalseInformation, 15),
    (ReportReason::Other, 15),
    (ReportReason::HateSpeech, 5),
    (ReportReason::Scam, 5),
];

/// What an account may do in discussions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    /// Suspended: writes nothing.
    Suspended,
    /// An active citizen: comments and reports.
    Citizen,
    /// Active staff (moderator or above): comments, sometimes as a
    /// moderator, hides comments and closes reports.
    Staff,
}

impl Standing {
    /// The standing of a seeded account.
    pub(super) fn of(record: &UserRecord) -> Self {
        match (record.status == AccountStatus::Active, record.role) {
            (false, _) => Self::Suspended,
            (true, Role::Citizen) => Self::Citizen,
            (true, _) => Self::Staff,
        }
    }
}

/// Accounts by what they may do, each list in creation order.
#[derive(Debug)]
pub(super) struct Community<'a> {
    accounts: &'a Accounts,
    standing: Vec<Standing>,
    writers: Pool,
    citizens: Pool,
    staff: Pool,
}

/// Indexes of accounts and their creation instants, in creation order.
#[derive(Debug, Default)]
struct Pool {
    members: Vec<u32>,
    created_ms: Vec<i64>,
}

impl Pool {
    fn push(&mut self, index: u32, created_ms: i64) {
        self.members.push(index);
        self.created_ms.push(created_ms);
    }

    /// A member created before `at`, none of `avoid`: the earliest ones
    /// more often with an `exponent`, uniformly without.
    fn draw(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        at: i64,
        exponent: Option<f64>,
        avoid: &[u32],
    ) -> Option<u32> {
        let existing = self.created_ms.partition_point(|&ms| ms < at);
        if existing == 0 {
            return None;
        }
        (0..12)
            .map(|_| {
                let position = match exponent {
                    Some(exponent) => power_law(rng, existing, exponent),
                    None => rng.random_range(0..existing),
                };
                self.members[position]
            })
            .find(|member| !avoid.contains(member))
    }
}

impl<'a> Community<'a> {
    /// The community of `accounts`, whose standings are `standing`.
    pub(super) fn new(accounts: &'a Accounts, standing: Vec<Standing>) -> Self {
        let (mut writers, mut citizens, mut staff) =
            (Pool::default(), Pool::default(), Pool::default());
        for (index, (&kind, &created_ms)) in
            (0_u32..).zip(standing.iter().zip(&accounts.created_ms))
        {
            match kind {
                Standing::Suspended => continue,
                Standing::Citizen => citizens.push(index, created_ms),
                Standing::Staff => staff.push(index, created_ms),
            }
            writers.push(index, created_ms);
        }
        Self {
            accounts,
            standing,
            writers,
            citizens,
            staff,
        }
    }
}

/// The rules every thread follows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    /// Deepest reply (`[comments] max_depth`).
    pub max_depth: u32,
    /// Most reports on one item.
    pub per_target: u32,
    /// End of the seeded period, in milliseconds.
    pub end_ms: i64,
}

/// What is known of the resource a thread is built for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Topic<'a> {
    pub id: ResourceId,
    pub skeleton: &'a Skeleton,
    pub subject: Subject<'a>,
}

/// A built thread.
#[derive(Debug, Default)]
pub(super) struct Thread {
    /// In time order: parents before their replies.
    pub comments: Vec<CommentRecord>,
    pub reports: Vec<ReportRecord>,
    pub top_level: u32,
}

/// A comment's shape before its texts.
struct Shape {
    at: i64,
    parent: Option<usize>,
    root: usize,
    depth: u32,
    author: u32,
    as_moderator: bool,
}

/// Builds the thread of `topic`: `count` comments and `reported` reports.
///
/// # Errors
/// When no account could have written a comment (all suspended), or a
/// generated value is refused by the domain (a bug).
pub(super) fn thread(
    rng: &mut Xoshiro256PlusPlus,
    community: &Community<'_>,
    rules: Rules,
    topic: Topic<'_>,
    count: u32,
    reported: Reported,
) -> anyhow::Result<Thread> {
    let end = rules.end_ms;
    let published = topic
        .skeleton
        .published_ms
        .unwrap_or(topic.skeleton.created_ms);
    let shapes = shapes(rng, community, rules, topic, count, published)?;
    let ids: Vec<CommentId> = shapes
        .iter()
        .map(|shape| CommentId::from_uuid(uuid_v7(rng, shape.at)))
        .collect();
    // Only a visible comment takes replies: it changes state after the last one.
    let mut settled: Vec<i64> = shapes.iter().map(|shape| shape.at).collect();
    for shape in &shapes {
        if let Some(parent) = shape.parent {
            settled[parent] = settled[parent].max(shape.at);
        }
    }

    let mut thread = Thread::default();
    // Until when each comment was visible; when and by whom it was hidden.
    let mut visible_until: Vec<i64> = Vec::with_capacity(shapes.len());
    let mut hidings: Vec<Option<(i64, Option<u32>)>> = Vec::with_capacity(shapes.len());
    for (index, shape) in shapes.iter().enumerate() {
        let earliest = settled[index] + 1;
        let draw = rng.random_range(0..1_000);
        let state = if earliest >= end - 1 || shape.as_moderator {
            CommentState::Visible
        } else if draw < DELETED_PER_MILLE {
            CommentState::Deleted
        } else if draw < DELETED_PER_MILLE + HIDDEN_PER_MILLE {
            CommentState::Hidden {
                reason: (*HIDINGS.choose(rng).unwrap_or(&"Hors charte.")).to_owned(),
            }
        } else {
            CommentState::Visible
        };
        let changed = (state != CommentState::Visible).then(|| rng.random_range(earliest..end));
        let until = changed.unwrap_or(end);
        visible_until.push(until);
        let edited = (shape.at + 1 < until && rng.random_bool(EDITED))
            .then(|| rng.random_range(shape.at + 1..until));
        let hider = match (&state, changed) {
            (CommentState::Hidden { .. }, Some(at)) => {
                community.staff.draw(rng, at, None, &[shape.author])
            }
            _ => None,
        };
        hidings.push(matches!(state, CommentState::Hidden { .. }).then_some((until, hider)));
        let body = if state == CommentState::Deleted {
            None
        } else {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let chars = 20 + (900.0 * rng.random::<f64>().powi(3)) as usize;
            let text = remark(rng, topic.subject, shape.parent.is_some(), chars);
            Some(CommentBody::parse(&text)?)
        };
        let at = shape.at;
        thread.top_level += u32::from(shape.parent.is_none());
        thread.comments.push(CommentRecord {
            id: ids[index],
            resource: topic.id,
            parent: shape.parent.map(|parent| ids[parent]),
            root: ids[shape.root],
            depth: shape.depth,
            author: community.accounts.ids[shape.author as usize],
            body,
            as_moderator: shape.as_moderator,
            state,
            created_at: instant(at),
            edited_at: edited.map(instant),
            updated_at: instant(at.max(edited.unwrap_or(at)).max(changed.unwrap_or(at))),
            version: u64::from(edited.is_some()) + u64::from(changed.is_some()),
        });
    }

    // Reports on comments; one that finds no room goes to the resource.
    let mut reporters: HashMap<usize, Vec<u32>> = HashMap::new();
    let mut on_resource = reported.resource;
    for _ in 0..reported.comments {
        let mut placed = false;
        for _ in 0..20 {
            if shapes.is_empty() {
                break;
            }
            let index = rng.random_range(0..shapes.len());
            let (shape, until) = (&shapes[index], visible_until[index]);
            let previous = reporters.entry(index).or_default();
            if shape.at + 1 >= until || previous.len() >= rules.per_target as usize {
                continue;
            }
            let when = rng.random_range(shape.at + 1..until);
            let mut avoid = previous.clone();
            avoid.push(shape.author);
            let Some(reporter) = community.citizens.draw(rng, when, None, &avoid) else {
                continue;
            };
            previous.push(reporter);
            let target = ContentRef::Comment {
                comment: ids[index],
                resource: topic.id,
            };
            let report = report(
                rng,
                community,
                (reporter, when),
                (target, shape.author),
                hidings[index],
                end,
            )?;
            thread.reports.push(report);
            placed = true;
            break;
        }
        on_resource += u32::from(!placed);
    }

    let author = topic.skeleton.author;
    let mut previous = vec![author];
    for _ in 0..on_resource.min(rules.per_target) {
        if published + 1 >= end {
            break;
        }
        let when = rng.random_range(published + 1..end);
        let Some(reporter) = community.citizens.draw(rng, when, None, &previous) else {
            continue;
        };
        previous.push(reporter);
        let target = ContentRef::Resource(topic.id);
        let report = report(
            rng,
            community,
            (reporter, when),
            (target, author),
            None,
            end,
        )?;
        thread.reports.push(report);
    }
    Ok(thread)
}

/// The shapes of `count` comments after `published`, in time order.
fn shapes(
    rng: &mut Xoshiro256PlusPlus,
    community: &Community<'_>,
    rules: Rules,
    topic: Topic<'_>,
    count: u32,
    published: i64,
) -> anyhow::Result<Vec<Shape>> {
    let end = rules.end_ms;
    let from = (published + 60_000).min(end - 1);
    #[allow(clippy::cast_precision_loss)]
    let span = (end - from).max(1) as f64;
    // Denser soon after publication; strictly increasing, so that every
    // reply comes after its parent.
    #[allow(clippy::cast_possible_truncation)]
    let mut instants: Vec<i64> = (0..count)
        .map(|_| from + (span * rng.random::<f64>().powi(2)) as i64)
        .collect();
    instants.sort_unstable();
    for index in 1..instants.len() {
        instants[index] = instants[index].max(instants[index - 1] + 1);
    }

    let resource_author = topic.skeleton.author;
    let author_writes = |at: i64| {
        community.standing[resource_author as usize] != Standing::Suspended
            && community.accounts.created_ms[resource_author as usize] < at
    };
    let mut shapes: Vec<Shape> = Vec::with_capacity(instants.len());
    for (index, at) in instants.into_iter().enumerate() {
        let parent = (index > 0 && rules.max_depth > 0 && !rng.random_bool(TOP_LEVEL)).then(|| {
            // Recent comments are answered more often; too deep ones through an ancestor.
            let mut parent = index - 1 - power_law(rng, index, 2.0);
            while shapes[parent].depth >= rules.max_depth {
                match shapes[parent].parent {
                    Some(up) => parent = up,
                    None => break,
                }
            }
            parent
        });
        let answered = parent.map(|parent| shapes[parent].author);
        let avoid: Vec<u32> = answered.into_iter().collect();
        let staff = rng
            .random_bool(AS_MODERATOR)
            .then(|| community.staff.draw(rng, at, None, &avoid))
            .flatten();
        let (author, as_moderator) = if let Some(staff) = staff {
            (staff, true)
        } else if parent.is_some()
            && answered != Some(resource_author)
            && rng.random_bool(BY_RESOURCE_AUTHOR)
            && author_writes(at)
        {
            (resource_author, false)
        } else {
            let author = community
                .writers
                .draw(rng, at, Some(1.5), &avoid)
                .or_else(|| community.writers.draw(rng, at, None, &[]))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no active account to write the comments: ask for --comments 0 or more --users"
                    )
                })?;
            (author, false)
        };
        let (root, depth) = match parent {
            Some(parent) => (shapes[parent].root, shapes[parent].depth + 1),
            None => (index, 0),
        };
        shapes.push(Shape {
            at,
            parent,
            root,
            depth,
            author,
            as_moderator,
        });
    }
    Ok(shapes)
}

/// A report by `reporter` at `when` on `target` written by `author`;
/// resolved when the target was hidden (at `hidden`, by its moderator).
fn report(
    rng: &mut Xoshiro256PlusPlus,
    community: &Community<'_>,
    (reporter, when): (u32, i64),
    (target, author): (ContentRef, u32),
    hidden: Option<(i64, Option<u32>)>,
    end: i64,
) -> anyhow::Result<ReportRecord> {
    let reason = REASONS[weighted(rng, REASONS)].0;
    let text = (reason == ReportReason::Other || rng.random_bool(0.1))
        .then(|| ReportText::parse(REPORT_TEXTS.choose(rng).unwrap_or(&"Hors charte.")))
        .transpose()?;
    let grounds = ReportGrounds::new(reason, text)?;
    let (status, closed_at, closed_by, note) = match hidden {
        Some((at, moderator)) => (ReportStatus::Resolved, Some(at), moderator, None),
        None if when + 1 < end && rng.random_bool(DISMISSED) => {
            let at = rng.random_range(when + 1..end);
            let moderator = community.staff.draw(rng, at, None, &[author, reporter]);
            let note = rng
                .random_bool(0.5)
                .then(|| (*DISMISSALS.choose(rng).unwrap_or(&"Sans suite.")).to_owned());
            (ReportStatus::Dismissed, Some(at), moderator, note)
        }
        None => (ReportStatus::Open, None, None, None),
    };
    Ok(ReportRecord {
        id: ReportId::from_uuid(uuid_v7(rng, when)),
        reporter: community.accounts.ids[reporter as usize],
        target,
        grounds,
        status,
        created_at: instant(when),
        closed_at: closed_at.map(instant),
        closed_by: closed_by.map(|index| community.accounts.ids[index as usize]),
        note,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng as _;
    use rr_domain::identity::UserId;
    use rr_domain::resource::Visibility;

    use super::*;
    use crate::seed::plan::{DAY_MS, State};
    use crate::seed::text::theme;

    const END: i64 = 1_000 * DAY_MS;

    /// 300 accounts, one a day: every tenth suspended, every 30th staff.
    fn accounts() -> (Accounts, Vec<Standing>) {
        let created_ms: Vec<i64> = (0..300).map(|day| day * DAY_MS).collect();
        let standing = (0..300)
            .map(|index| match index {
                i if i % 10 == 3 => Standing::Suspended,
                i if i % 30 == 5 => Standing::Staff,
                _ => Standing::Citizen,
            })
            .collect();
        let accounts = Accounts {
            ids: created_ms
                .iter()
                .map(|&ms| UserId::from_uuid(uuid_v7(&mut rng(), ms)))
                .collect(),
            statistics_objection: vec![false; 300],
            created_ms,
        };
        (accounts, standing)
    }

    fn rng() -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(17)
    }

    #[test]
    fn a_thread_follows_the_rules_of_the_api() {
        let (accounts, standing) = accounts();
        let community = Community::new(&accounts, standing.clone());
        let skeleton = Skeleton {
            created_ms: 400 * DAY_MS,
            author: 13, // suspended: never answers in the thread
            visibility: Visibility::Public,
            state: State::Published,
            published_ms: Some(401 * DAY_MS),
        };
        let rules = Rules {
            max_depth: 3,
            per_target: 2,
            end_ms: END,
        };
        let topic = Topic {
            id: ResourceId::from_uuid(uuid_v7(&mut rng(), 400 * DAY_MS)),
            skeleton: &skeleton,
            subject: Subject {
                theme: theme("communication"),
                relations: &["famille"],
                resource_type: "article",
            },
        };
        let reported = Reported {
            resource: 2,
            comments: 60,
        };
        let thread = thread(&mut rng(), &community, rules, topic, 3_000, reported).unwrap();
        let comments = &thread.comments;
        assert_eq!(comments.len(), 3_000);
        let index_of = |id: UserId| accounts.ids.iter().position(|&a| a == id).unwrap();
        let position: HashMap<CommentId, usize> = comments
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let mut last_reply = vec![0_i64; comments.len()];
        for (index, comment) in comments.iter().enumerate() {
            assert_eq!(comment.resource, topic.id);
            let ms = comment.created_at.unix_timestamp_nanos() / 1_000_000;
            let (secs, nanos) = comment.id.as_uuid().get_timestamp().unwrap().to_unix();
            assert_eq!(i128::from(secs) * 1_000 + i128::from(nanos / 1_000_000), ms);
            assert!(ms > i128::from(skeleton.published_ms.unwrap()));
            if index > 0 {
                assert!(comment.created_at > comments[index - 1].created_at);
            }
            match comment.parent {
                None => {
                    assert_eq!((comment.depth, comment.root), (0, comment.id));
                }
                Some(parent) => {
                    let p = position[&parent];
                    assert!(p < index, "parents come first");
                    assert_eq!(comment.depth, comments[p].depth + 1);
                    assert_eq!(comment.root, comments[p].root);
                    last_reply[p] = last_reply[p].max(
                        i64::try_from(comment.created_at.unix_timestamp_nanos() / 1_000_000)
                            .unwrap(),
                    );
                }
            }
            assert!(comment.depth <= 3);
            let author = index_of(comment.author);
            assert_ne!(standing[author], Standing::Suspended);
            assert!(accounts.created_ms[author] < i64::try_from(ms).unwrap());
            if comment.as_moderator {
                assert_eq!(standing[author], Standing::Staff);
                assert_eq!(comment.state, CommentState::Visible);
            }
            assert_eq!(
                comment.body.is_none(),
                comment.state == CommentState::Deleted
            );
            assert!(comment.updated_at >= comment.created_at);
            if let Some(edited) = comment.edited_at {
                assert!(edited > comment.created_at && edited <= comment.updated_at);
            }
            let changes = u64::from(comment.state != CommentState::Visible);
            assert_eq!(
                comment.version,
                u64::from(comment.edited_at.is_some()) + changes
            );
        }
        for (index, comment) in comments.iter().enumerate() {
            if comment.state != CommentState::Visible {
                let changed = comment.updated_at.unix_timestamp_nanos() / 1_000_000;
                assert!(
                    changed > i128::from(last_reply[index]),
                    "replies came first"
                );
            }
        }
        let top_level = comments.iter().filter(|c| c.parent.is_none()).count();
        assert_eq!(thread.top_level as usize, top_level);
        assert!((1_650..1_950).contains(&top_level), "{top_level}");
        assert!(comments.iter().any(|c| c.depth == 3));
        let count = |name: &str| comments.iter().filter(|c| c.state.name() == name).count();
        assert!(
            (30..100).contains(&count("deleted")),
            "{}",
            count("deleted")
        );
        assert!((3..40).contains(&count("hidden")), "{}", count("hidden"));
        assert_eq!(count("held"), 0);
        assert!(comments.iter().any(|c| c.as_moderator));
        assert!(!comments.iter().any(|c| c.author == accounts.ids[13]));
        let edited = comments.iter().filter(|c| c.edited_at.is_some()).count();
        assert!((100..300).contains(&edited), "{edited}");

        let reports = &thread.reports;
        assert_eq!(reports.len(), 62);
        let mut pairs = HashSet::new();
        let mut per_target: HashMap<ContentRef, u32> = HashMap::new();
        for report in reports {
            assert!(
                pairs.insert((report.reporter, report.target)),
                "one report per item"
            );
            *per_target.entry(report.target).or_default() += 1;
            assert_eq!(standing[index_of(report.reporter)], Standing::Citizen);
            assert_eq!(report.target.resource(), topic.id);
            let (author, created, visible_until) = match report.target {
                ContentRef::Resource(_) => (
                    accounts.ids[13],
                    skeleton.published_ms.map(instant).unwrap(),
                    instant(END),
                ),
                ContentRef::Comment { comment, .. } => {
                    let comment = &comments[position[&comment]];
                    let until = if comment.state == CommentState::Visible {
                        instant(END)
                    } else {
                        comment.updated_at
                    };
                    (comment.author, comment.created_at, until)
                }
            };
            assert_ne!(report.reporter, author);
            assert!(report.created_at > created && report.created_at < visible_until);
            assert_eq!(
                report.closed_at.is_some(),
                report.status != ReportStatus::Open
            );
            if let Some(closed) = report.closed_at {
                assert!(closed >= report.created_at);
                assert_ne!(report.closed_by, Some(author));
            }
            let hidden = matches!(report.target, ContentRef::Comment { comment, .. }
                if matches!(comments[position[&comment]].state, CommentState::Hidden { .. }));
            assert_eq!(hidden, report.status == ReportStatus::Resolved);
            if report.grounds.reason() == ReportReason::Other {
                assert!(report.grounds.text().is_some());
            }
        }
        assert!(per_target.values().all(|&n| n <= 2));
        let open = reports
            .iter()
            .filter(|r| r.status == ReportStatus::Open)
            .count();
        assert!(open > 31, "most are open: {open}");
        assert!(reports.iter().any(|r| r.status == ReportStatus::Dismissed));
    }

    #[test]
    fn the_same_seed_builds_the_same_thread() {
        let (accounts, standing) = accounts();
        let community = Community::new(&accounts, standing);
        let skeleton = Skeleton {
            created_ms: 10 * DAY_MS,
            author: 0,
            visibility: Visibility::Restricted,
            state: State::Published,
            published_ms: Some(11 * DAY_MS),
        };
        let rules = Rules {
            max_depth: 5,
            per_target: 2,
            end_ms: END,
        };
        let topic = Topic {
            id: ResourceId::from_uuid(uuid_v7(&mut rng(), 10 * DAY_MS)),
            skeleton: &skeleton,
            subject: Subject {
                theme: theme("parentalite"),
                relations: &["famille"],
                resource_type: "video",
            },
        };
        let reported = Reported {
            resource: 1,
            comments: 3,
        };
        let a = thread(&mut rng(), &community, rules, topic, 40, reported).unwrap();
        let b = thread(&mut rng(), &community, rules, topic, 40, reported).unwrap();
        assert_eq!(a.comments, b.comments);
        assert_eq!(a.reports, b.reports);
        assert_eq!(a.reports.len(), 4);
    }
}
