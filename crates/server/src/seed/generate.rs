//! The generator: draws the plan, then builds the rows table by table and
//! hands them over in chunks. Runs on a blocking thread.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use rand::RngExt as _;
use rr_application::ports::{BlindIndex, FieldCipher, ReferenceDataRepository};
use rr_domain::credentials::PasswordHash;
use rr_domain::identity::UserId;
use rr_domain::resource::{ResourceId, Visibility};
use rr_persistence::bulk::{SeedConsultation, SeedFavourite};
use tokio::sync::mpsc::Sender;

use super::discussion::{self, Ask, Reported};
use super::people::{Person, Shared, person};
use super::plan::{self, DAY_MS};
use super::resources::{Accounts, Classification, Counters, resource, resource_id};
use super::text::{Subject, theme};
use super::threads::{self, Community, Rules, Standing, Topic};
use super::vocabulary::TYPE_WEIGHTS;
use super::{Busiest, Chunk, Report, instant, stream, uuid_v7};

/// Length of the seeded period: about three years.
const PERIOD_MS: i64 = 3 * 365 * DAY_MS;

/// Favourites per account when not asked for.
const FAVOURITES_PER_USER: u64 = 5;

/// Everything the generator needs, owned: it runs on its own thread.
#[allow(missing_debug_implementations)] // trait objects
pub(super) struct Job {
    pub users: usize,
    pub resources: usize,
    pub favourites: Option<u64>,
    pub views: u64,
    pub seed: u64,
    /// Number of the first account (handles and addresses end with it).
    pub first_number: u64,
    /// End of the seeded period (today, midnight UTC), in milliseconds.
    pub end_ms: i64,
    pub chunk_rows: usize,
    pub classification: Classification,
    pub cipher: Arc<dyn FieldCipher>,
    pub blind_index: Arc<dyn BlindIndex>,
    pub password_hash: PasswordHash,
    pub policy_version: String,
    pub accounts_file: Option<PathBuf>,
    /// Comments and reports.
    pub discussions: Ask,
    /// Deepest reply (`[comments] max_depth`).
    pub max_depth: u32,
    /// How many of the busiest threads to report.
    pub busiest: usize,
}

/// The reference data, with the weights and vocabulary of each item.
///
/// # Errors
/// When it cannot be read, or a kind of reference data is empty.
pub(super) async fn classification(
    reference: &dyn ReferenceDataRepository,
) -> anyhow::Result<Classification> {
    let categories: Vec<_> = reference
        .list_categories()
        .await
        .context("reading the categories")?
        .into_iter()
        .filter(|category| category.active)
        .map(|category| {
            let theme = theme(category.slug.as_str());
            // A category of no theme (added by an administrator) is rare.
            let weight = if theme.slug == category.slug.as_str() {
                theme.weight
            } else {
                1
            };
            ((category.id, theme), weight)
        })
        .collect();
    let relation_types: Vec<_> = reference
        .list_relation_types()
        .await
        .context("reading the relation types")?
        .into_iter()
        .map(|relation| (relation.id, relation.slug.as_str().to_owned()))
        .collect();
    let resource_types: Vec<_> = reference
        .list_resource_types()
        .await
        .context("reading the resource types")?
        .into_iter()
        .map(|kind| {
            let slug = kind.slug.as_str().to_owned();
            let weight = TYPE_WEIGHTS
                .iter()
                .find(|(known, _)| *known == slug)
                .map_or(1, |(_, weight)| *weight);
            ((kind.id, slug), weight)
        })
        .collect();
    anyhow::ensure!(
        !categories.is_empty() && !relation_types.is_empty() && !resource_types.is_empty(),
        "the reference data is incomplete: active categories, relation types and resource types are all needed"
    );
    Ok(Classification {
        categories,
        relation_types,
        resource_types,
    })
}

/// Builds the data set and sends it, table by table, in chunks.
///
/// # Errors
/// When the favourites asked for cannot be drawn, a value is refused, the
/// accounts file cannot be written, or the loader stopped.
pub(super) fn run(job: Job, sender: &Sender<Chunk>) -> anyhow::Result<Report> {
    let send = |chunk: Chunk| {
        sender
            .blocking_send(chunk)
            .map_err(|_| anyhow::anyhow!("the loader stopped"))
    };
    let (start, end) = (job.end_ms - PERIOD_MS, job.end_ms);

    // The plan, from its own random stream.
    let mut rng = stream(job.seed, 0);
    let users_ms = plan::growing_instants(&mut rng, job.users, start, end - 3_600_000);
    let accounts = Accounts {
        ids: users_ms
            .iter()
            .map(|&ms| UserId::from_uuid(uuid_v7(&mut rng, ms)))
            .collect(),
        statistics_objection: users_ms.iter().map(|_| rng.random_bool(0.03)).collect(),
        created_ms: users_ms,
    };
    let skeletons = plan::skeletons(
        &mut rng,
        job.resources,
        &accounts.created_ms,
        start + DAY_MS,
        end,
    );
    let ids: Vec<ResourceId> = skeletons
        .iter()
        .map(|skeleton| resource_id(&mut rng, skeleton.created_ms))
        .collect();
    let ranking = plan::popularity_ranking(&mut rng, &skeletons);
    let favourites = job.favourites.unwrap_or_else(|| {
        (job.users as u64 * FAVOURITES_PER_USER).min(job.users as u64 * ranking.len() as u64 / 8)
    });
    let pairs = plan::favourites(&mut rng, favourites, job.users, &ranking)?;
    let views = plan::views(job.views, &ranking, job.resources);
    let mut favourite_counts = vec![0_u64; job.resources];
    for &(_, resource) in &pairs {
        favourite_counts[resource as usize] += 1;
    }
    let mut events = Vec::new();
    for &index in &ranking {
        let skeleton = &skeletons[index as usize];
        let from = skeleton.published_ms.unwrap_or(skeleton.created_ms);
        for _ in 0..plan::events_for(&mut rng, views[index as usize]) {
            let at = rng.random_range(from..end.max(from + 1));
            let anonymous = skeleton.visibility == Visibility::Public && rng.random_bool(0.4);
            let existing = accounts.created_ms.partition_point(|&t| t <= at).max(1);
            // The consultations of those who objected are not recorded.
            let viewer = (!anonymous)
                .then(|| {
                    (0..10)
                        .map(|_| rng.random_range(0..existing))
                        .find(|&viewer| !accounts.statistics_objection[viewer])
                })
                .flatten()
                .map(|viewer| accounts.ids[viewer]);
            events.push((at, index, viewer));
        }
    }
    // Numbered by the database in the order they happened.
    events.sort_unstable_by_key(|&(at, index, _)| (at, index));
    let discussions = discussion::plan(
        &mut stream(job.seed, 4),
        job.discussions,
        &skeletons,
        &ranking,
        end,
    )?;
    send(Chunk::Planned {
        favourites: pairs.len() as u64,
        events: events.len() as u64,
        comments: job.discussions.comments,
        reports: job.discussions.reports,
    })?;

    let (mut report, standing) = users(&job, &accounts, &send)?;

    let mut rng = stream(job.seed, 2);
    let chunk_rows = job.chunk_rows.max(1);
    // What each resource is about, for the texts of its comments.
    let mut subjects: Vec<SubjectIndexes> = Vec::with_capacity(job.resources);
    for first in (0..job.resources).step_by(chunk_rows) {
        let last = (first + chunk_rows).min(job.resources);
        let mut rows = Vec::with_capacity(last - first);
        for index in first..last {
            let counters = Counters {
                views: views[index],
                favourites: favourite_counts[index],
            };
            let row = resource(
                &mut rng,
                &job.classification,
                &accounts,
                &skeletons[index],
                ids[index],
                counters,
                end,
            )?;
            subjects.push(SubjectIndexes::of(&job.classification, &row.record));
            rows.push(row);
        }
        send(Chunk::Resources(rows))?;
    }

    let mut rng = stream(job.seed, 3);
    for chunk in pairs.chunks(job.chunk_rows.max(1)) {
        let rows = chunk
            .iter()
            .map(|&(user, resource)| {
                let skeleton = &skeletons[resource as usize];
                let from = accounts.created_ms[user as usize]
                    .max(skeleton.published_ms.unwrap_or(skeleton.created_ms));
                SeedFavourite {
                    user: accounts.ids[user as usize],
                    resource: ids[resource as usize],
                    created_at: instant(rng.random_range(from..end.max(from + 1))),
                }
            })
            .collect();
        send(Chunk::Favourites(rows))?;
    }

    for chunk in events.chunks(job.chunk_rows.max(1)) {
        let rows = chunk
            .iter()
            .map(|&(at, index, viewer)| SeedConsultation {
                resource: ids[index as usize],
                viewer,
                occurred_at: instant(at),
            })
            .collect();
        send(Chunk::Consultations(rows))?;
    }
    drop(events);

    let community = Community::new(&accounts, standing);
    let rules = Rules {
        max_depth: job.max_depth,
        per_target: job.discussions.per_target,
        end_ms: end,
    };
    let mut busiest: Vec<(u32, u32, u32)> = discussion::busiest(&discussions.comments, job.busiest)
        .into_iter()
        .map(|(index, comments)| (index, comments, 0))
        .collect();
    let mut rng = stream(job.seed, 5);
    let (mut comments, mut reports) = (Vec::new(), Vec::new());
    for (index, (&count, skeleton)) in (0_u32..).zip(discussions.comments.iter().zip(&skeletons)) {
        let reported = discussions.reports.get(&index).copied().unwrap_or_default();
        if count == 0 && reported == Reported::default() {
            continue;
        }
        let indexes = subjects[index as usize];
        let relations = [indexes.relation(&job.classification)];
        let topic = Topic {
            id: ids[index as usize],
            skeleton,
            subject: Subject {
                theme: indexes.theme(&job.classification),
                relations: &relations,
                resource_type: indexes.resource_type(&job.classification),
            },
        };
        let thread = threads::thread(&mut rng, &community, rules, topic, count, reported)?;
        if let Some(busy) = busiest.iter_mut().find(|busy| busy.0 == index) {
            busy.2 = thread.top_level;
        }
        comments.extend(thread.comments);
        reports.extend(thread.reports);
        if comments.len() >= chunk_rows {
            send(Chunk::Comments(std::mem::take(&mut comments)))?;
        }
        if reports.len() >= chunk_rows {
            send(Chunk::Reports(std::mem::take(&mut reports)))?;
        }
    }
    if !comments.is_empty() {
        send(Chunk::Comments(comments))?;
    }
    if !reports.is_empty() {
        send(Chunk::Reports(reports))?;
    }
    report.busiest = busiest
        .into_iter()
        .map(|(index, comments, top_level)| Busiest {
            id: ids[index as usize],
            comments,
            top_level,
        })
        .collect();
    Ok(report)
}

/// What a resource is about, as positions in the classification: its
/// category, its type and its main relation type.
#[derive(Debug, Clone, Copy)]
struct SubjectIndexes {
    category: u16,
    resource_type: u16,
    relation: u16,
}

impl SubjectIndexes {
    fn of(classification: &Classification, record: &rr_application::ports::ResourceRecord) -> Self {
        let position = |found: Option<usize>| u16::try_from(found.unwrap_or(0)).unwrap_or(0);
        Self {
            category: position(
                classification
                    .categories
                    .iter()
                    .position(|((id, _), _)| *id == record.category),
            ),
            resource_type: position(
                classification
                    .resource_types
                    .iter()
                    .position(|((id, _), _)| *id == record.resource_type),
            ),
            relation: position(record.relation_types.first().and_then(|first| {
                classification
                    .relation_types
                    .iter()
                    .position(|(id, _)| id == first)
            })),
        }
    }

    fn theme(self, classification: &Classification) -> &'static super::vocabulary::Theme {
        classification.categories[usize::from(self.category)].0.1
    }

    fn resource_type(self, classification: &Classification) -> &str {
        &classification.resource_types[usize::from(self.resource_type)]
            .0
            .1
    }

    fn relation(self, classification: &Classification) -> &str {
        &classification.relation_types[usize::from(self.relation)].1
    }
}

/// Builds and sends the accounts; writes the accounts file. Returns, with
/// the report, what each account may do in discussions.
fn users(
    job: &Job,
    accounts: &Accounts,
    send: &impl Fn(Chunk) -> anyhow::Result<()>,
) -> anyhow::Result<(Report, Vec<Standing>)> {
    let mut file = job
        .accounts_file
        .as_ref()
        .map(|path| {
            std::fs::File::create(path)
                .map(std::io::BufWriter::new)
                .with_context(|| format!("creating {}", path.display()))
        })
        .transpose()?;
    let shared = Shared {
        cipher: job.cipher.as_ref(),
        blind_index: job.blind_index.as_ref(),
        password_hash: &job.password_hash,
        policy_version: &job.policy_version,
    };
    let mut rng = stream(job.seed, 1);
    let mut report = Report::default();
    let mut standing = Vec::with_capacity(accounts.ids.len());
    let mut number = job.first_number;
    let chunk_rows = job.chunk_rows.max(1);
    for first in (0..accounts.ids.len()).step_by(chunk_rows) {
        let last = (first + chunk_rows).min(accounts.ids.len());
        let mut rows = Vec::with_capacity(last - first);
        for index in first..last {
            let (id, created_ms) = (accounts.ids[index], accounts.created_ms[index]);
            let objects = accounts.statistics_objection[index];
            let Person {
                record,
                email,
                can_log_in,
            } = person(&mut rng, &shared, number, (id, objects), created_ms)?;
            number += 1;
            if can_log_in {
                if report.samples.len() < 3 {
                    report.samples.push(email.as_str().to_owned());
                }
                if let Some(file) = file.as_mut() {
                    writeln!(file, "{}", email.as_str()).context("writing the accounts file")?;
                }
            }
            standing.push(Standing::of(&record));
            rows.push(record);
        }
        send(Chunk::Users(rows))?;
    }
    if let Some(mut file) = file {
        file.flush().context("writing the accounts file")?;
    }
    Ok((report, standing))
}
