//! A seeded resource from its skeleton: classification, texts, lifecycle
//! with its reasons and instants, shares and counters.

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom as _;
use rr_application::ports::ResourceRecord;
use rr_domain::identity::UserId;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Lifecycle, ResourceId, Summary, Title, Visibility};
use rr_persistence::bulk::SeedResource;

use super::people::weighted;
use super::plan::{DAY_MS, Skeleton, State};
use super::text::{Subject, compose};
use super::vocabulary::{REJECTIONS, SUSPENSIONS, Theme};
use super::{instant, uuid_v7};

/// The reference data resources are classified with, and how often each is used.
#[derive(Debug)]
pub(super) struct Classification {
    /// Categories with their vocabulary and weight.
    pub categories: Vec<((ReferenceId, &'static Theme), u32)>,
    /// Relation types and their slugs.
    pub relation_types: Vec<(ReferenceId, String)>,
    /// Resource types with their slug and weight.
    pub resource_types: Vec<((ReferenceId, String), u32)>,
}

/// The accounts of the data set, in creation order.
#[derive(Debug)]
pub(super) struct Accounts {
    pub ids: Vec<UserId>,
    pub created_ms: Vec<i64>,
    /// Whether each objected to statistics: never a consultation event's viewer.
    pub statistics_objection: Vec<bool>,
}

/// Counters of one resource.
#[derive(Debug, Clone, Copy)]
pub(super) struct Counters {
    pub views: u64,
    pub favourites: u64,
}

/// Builds resource `skeleton`, whose id was drawn with it, at most at `end_ms`.
///
/// # Errors
/// When a generated value is refused by the domain (a bug).
pub(super) fn resource(
    rng: &mut Xoshiro256PlusPlus,
    classification: &Classification,
    accounts: &Accounts,
    skeleton: &Skeleton,
    id: ResourceId,
    counters: Counters,
    end_ms: i64,
) -> anyhow::Result<SeedResource> {
    let ((category, theme), _) =
        &classification.categories[weighted(rng, &classification.categories)];
    let ((resource_type, type_slug), _) =
        &classification.resource_types[weighted(rng, &classification.resource_types)];
    let relations = relation_types(rng, classification, theme);
    let relation_slugs: Vec<&str> = relations.iter().map(|(_, slug)| slug.as_str()).collect();

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let body_chars = 300 + (1_200.0 * rng.random::<f64>().powf(1.5)) as usize;
    let texts = compose(
        rng,
        Subject {
            theme,
            relations: &relation_slugs,
            resource_type: type_slug,
        },
        body_chars,
    );

    let author = accounts.ids[skeleton.author as usize];
    let mut visibility = skeleton.visibility;
    let mut shared_with = Vec::new();
    if visibility == Visibility::Shared {
        let existing = accounts
            .created_ms
            .partition_point(|&at| at <= skeleton.created_ms);
        for _ in 0..rng.random_range(1..=3) {
            let other = accounts.ids[rng.random_range(0..existing.max(1))];
            if other != author && !shared_with.contains(&other) {
                shared_with.push(other);
            }
        }
        if shared_with.is_empty() {
            visibility = Visibility::Private;
        }
    }

    let (state, last_change_ms, version) = lifecycle(rng, skeleton, end_ms);
    let deleted_at = (skeleton.state == State::Deleted).then(|| instant(last_change_ms));
    Ok(SeedResource {
        record: ResourceRecord {
            id,
            author,
            title: Title::parse(&texts.title)?,
            summary: Summary::parse(&texts.summary)?,
            body: Body::parse(&texts.body)?,
            category: *category,
            resource_type: *resource_type,
            relation_types: relations.into_iter().map(|(id, _)| id).collect(),
            external_link: external_link(rng, type_slug, id)
                .as_deref()
                .map(ExternalLink::parse)
                .transpose()?,
            visibility,
            state,
            shared_with,
            created_at: instant(skeleton.created_ms),
            updated_at: instant(last_change_ms),
            published_at: skeleton.published_ms.map(instant),
            deleted_at,
            version,
        },
        view_count: counters.views,
        favourite_count: counters.favourites,
    })
}

/// One to three distinct relation types, the theme's favourite first most often.
fn relation_types(
    rng: &mut Xoshiro256PlusPlus,
    classification: &Classification,
    theme: &Theme,
) -> Vec<(ReferenceId, String)> {
    let all = &classification.relation_types;
    let count = match rng.random_range(0..100) {
        0..50 => 1,
        50..85 => 2,
        _ => 3,
    }
    .min(all.len());
    let mut chosen: Vec<(ReferenceId, String)> = Vec::with_capacity(count);
    if rng.random_bool(0.7)
        && let Some(slug) = theme.relations.choose(rng)
        && let Some(found) = all.iter().find(|(_, s)| s == slug)
    {
        chosen.push(found.clone());
    }
    while chosen.len() < count {
        let candidate = &all[rng.random_range(0..all.len())];
        if !chosen.iter().any(|(id, _)| *id == candidate.0) {
            chosen.push(candidate.clone());
        }
    }
    chosen
}

/// The lifecycle with its reason, the instant of the last change and the
/// version (one per update: submission, review, edit, withdrawal).
fn lifecycle(
    rng: &mut Xoshiro256PlusPlus,
    skeleton: &Skeleton,
    end_ms: i64,
) -> (Lifecycle, i64, u64) {
    let created = skeleton.created_ms;
    let reviewed: u64 = if skeleton.visibility.needs_review() {
        2
    } else {
        1
    };
    let since = |rng: &mut Xoshiro256PlusPlus, from: i64| {
        if from + 1 >= end_ms {
            end_ms - 1
        } else {
            rng.random_range(from + 1..end_ms)
        }
    };
    let soon = |rng: &mut Xoshiro256PlusPlus, from: i64| {
        (from + rng.random_range(60_000..2 * DAY_MS)).min(end_ms - 1)
    };
    let published = skeleton.published_ms.unwrap_or(created);
    match skeleton.state {
        State::Draft => match rng.random_range(0..=3) {
            0 => (Lifecycle::Draft, created, 0),
            edits => (Lifecycle::Draft, soon(rng, created), edits),
        },
        State::PendingReview => (Lifecycle::PendingReview, soon(rng, created), 1),
        State::Published if rng.random_bool(0.15) => {
            (Lifecycle::Published, since(rng, published), reviewed + 2)
        }
        State::Published => (Lifecycle::Published, published, reviewed),
        State::Rejected => (
            Lifecycle::Rejected {
                reason: (*REJECTIONS.choose(rng).unwrap_or(&"Hors sujet.")).to_owned(),
            },
            soon(rng, created),
            2,
        ),
        State::Suspended => (
            Lifecycle::Suspended {
                reason: (*SUSPENSIONS.choose(rng).unwrap_or(&"Signalements.")).to_owned(),
            },
            since(rng, published),
            reviewed + 1,
        ),
        State::Archived => (
            Lifecycle::Archived,
            since(rng, published),
            u64::from(skeleton.published_ms.is_some()) * reviewed + 1,
        ),
        State::Deleted => (
            Lifecycle::Deleted,
            since(rng, published),
            u64::from(skeleton.published_ms.is_some()) * reviewed + 1,
        ),
    }
}

/// A link on the reserved `.test` domain for the types that point elsewhere.
fn external_link(rng: &mut Xoshiro256PlusPlus, type_slug: &str, id: ResourceId) -> Option<String> {
    let key = &id.as_uuid().simple().to_string()[20..];
    let (chance, link) = match type_slug {
        "video" => (0.9, format!("https://video.exemple.test/v/{key}")),
        "jeu-en-ligne" => (0.95, format!("https://jeux.exemple.test/partie/{key}")),
        "fiche-de-lecture" => (0.4, format!("https://livres.exemple.test/fiche/{key}")),
        "article" => (0.1, format!("https://www.exemple.test/articles/{key}")),
        _ => (0.03, format!("https://www.exemple.test/ressources/{key}")),
    };
    rng.random_bool(chance).then_some(link)
}

/// Draws the id of a resource created at `created_ms`.
pub(super) fn resource_id(rng: &mut Xoshiro256PlusPlus, created_ms: i64) -> ResourceId {
    ResourceId::from_uuid(uuid_v7(rng, created_ms))
}
