//! The moderation log on sea-orm.

use std::collections::HashMap;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{LoggedModeration, ModerationEntry, ModerationLog, ModerationLogQuery};
use rr_domain::community::ReportStatus;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{moderation_entry, report, user};
use crate::map_db_err;
use crate::mapping::{into_logged, log_row, target_columns, to_column};
use crate::repositories::write::{begin_write, retry_contended, settle};

/// [`ModerationLog`] on sea-orm: `moderation_log` rows, numbered by the
/// database.
///
/// Recording a decision also resolves the open reports of its content, in
/// the same transaction: an `UPDATE … WHERE target_kind = ? AND target_id = ?
/// AND status = 'open'`. Pages are read newest first on the id, each filter
/// with its own index (`(action, id)`, `(actor_id, id)`, `(target_kind, id)`,
/// `at`); the moderators' usernames in a second query.
#[derive(Debug, Clone)]
pub struct SeaOrmModerationLog {
    conn: DatabaseConnection,
}

impl SeaOrmModerationLog {
    /// A log on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn id_column(id: u64) -> Result<i64, RepositoryError> {
    i64::try_from(id).map_err(|e| RepositoryError::Internal(Box::new(e)))
}

#[async_trait]
impl ModerationLog for SeaOrmModerationLog {
    async fn record(&self, entry: &ModerationEntry) -> Result<u64, RepositoryError> {
        let row = log_row(entry)?;
        let at = to_column(entry.at)?;
        retry_contended(|| async {
            let txn = begin_write(&self.conn).await.map_err(map_db_err)?;
            let result = async {
                let id = moderation_entry::Entity::insert(row.clone())
                    .exec(&txn)
                    .await
                    .map_err(map_db_err)?
                    .last_insert_id;
                if entry.action.resolves_reports() {
                    let (kind, target, _) = target_columns(&entry.target);
                    report::Entity::update_many()
                        .set(report::ActiveModel {
                            status: Set(ReportStatus::Resolved.as_str().to_owned()),
                            closed_at: Set(Some(at)),
                            closed_by: Set(entry.actor.map(|actor| actor.as_uuid())),
                            ..Default::default()
                        })
                        .filter(report::Column::TargetKind.eq(kind))
                        .filter(report::Column::TargetId.eq(target))
                        .filter(report::Column::Status.eq(ReportStatus::Open.as_str()))
                        .exec(&txn)
                        .await
                        .map_err(map_db_err)?;
                }
                u64::try_from(id).map_err(|e| RepositoryError::Internal(Box::new(e)))
            }
            .await;
            settle(txn, result, true, map_db_err).await
        })
        .await
    }

    async fn list(
        &self,
        query: &ModerationLogQuery,
    ) -> Result<Vec<LoggedModeration>, RepositoryError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let mut select = moderation_entry::Entity::find();
        if let Some(action) = query.action {
            select = select.filter(moderation_entry::Column::Action.eq(action.as_str()));
        }
        if let Some(actor) = query.actor {
            select = select.filter(moderation_entry::Column::ActorId.eq(actor.as_uuid()));
        }
        if let Some(kind) = query.kind {
            select = select.filter(moderation_entry::Column::TargetKind.eq(kind.as_str()));
        }
        if let Some(from) = query.from {
            select = select.filter(moderation_entry::Column::At.gte(to_column(from)?));
        }
        if let Some(before) = query.before {
            select = select.filter(moderation_entry::Column::At.lt(to_column(before)?));
        }
        if let Some(after) = query.after {
            select = select.filter(moderation_entry::Column::Id.lt(id_column(after)?));
        }
        let rows = select
            .order_by_desc(moderation_entry::Column::Id)
            .limit(query.limit)
            .all(&self.conn)
            .await
            .map_err(map_db_err)?;
        let mut actors: Vec<uuid::Uuid> = rows.iter().filter_map(|row| row.actor_id).collect();
        actors.sort_unstable();
        actors.dedup();
        let names: HashMap<uuid::Uuid, String> = if actors.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .column(user::Column::Username)
                .filter(user::Column::Id.is_in(actors))
                .into_tuple::<(uuid::Uuid, String)>()
                .all(&self.conn)
                .await
                .map_err(map_db_err)?
                .into_iter()
                .collect()
        };
        rows.into_iter()
            .map(|row| {
                let name = row.actor_id.and_then(|actor| names.get(&actor).cloned());
                into_logged(row, name)
            })
            .collect()
    }
}
