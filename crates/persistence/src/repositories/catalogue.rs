use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    CatalogueAudience, CatalogueEntry, CatalogueQuery, CatalogueSort, ResourceCatalogue,
};
use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{ResourceId, SearchText, Summary, Title, Visibility};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value,
};
use time::PrimitiveDateTime;

use crate::map_db_err;
use crate::mapping::{corrupt, from_column, stored_text, to_column, visibility};

const TABLE: &str = "resources";

/// [`ResourceCatalogue`] on sea-orm, in hand-written SQL: one statement per
/// audience segment, each walking an index in the order asked.
///
/// An audience is one or more segments, each a single `(state, visibility)`
/// pair the indexes of migration 000004 keep in every order: visitors see
/// `public`; members see `public`, `restricted`, and `shared` through their
/// own rows of `resource_shares`. A page reads `limit` rows from each segment
/// (an index range scan stopping at `limit`) and merges them: neither engine
/// can walk two ranges of an index in one order, and sorting every published
/// resource to keep 20 would cost a million rows.
///
/// A search by words asks the full-text index first (MariaDB `MATCH …
/// AGAINST` in boolean mode on the `FULLTEXT` index; SQLite the FTS5 table
/// and its keys), in one statement for the whole audience: the index yields
/// the matching rows, which are then ordered. On SQLite, when the words match
/// more than [`COMMON_MATCHES`] resources (counted first, stopping there),
/// the search walks the audience segments like a browse instead and tests
/// each row against FTS5: a page of a common word then costs a few rows per
/// result rather than ordering every match (see [`TextPlan`]).
#[derive(Debug, Clone)]
pub struct SeaOrmResourceCatalogue {
    conn: DatabaseConnection,
    common_matches: i64,
}

impl SeaOrmResourceCatalogue {
    /// A catalogue on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self::with_common_matches(conn, COMMON_MATCHES)
    }

    /// A catalogue that takes words matching more than `common_matches`
    /// resources for common ones (tests force either plan with it).
    #[must_use]
    pub fn with_common_matches(conn: DatabaseConnection, common_matches: i64) -> Self {
        Self {
            conn,
            common_matches,
        }
    }
}

/// Which published resources one statement reads.
#[derive(Debug, Clone, Copy)]
enum Segment {
    /// One visibility, open to the audience as a whole.
    Open(Visibility),
    /// Shared resources shared with this account.
    SharedWith(uuid::Uuid),
    /// A full-text search over the whole audience.
    Whole(CatalogueAudience),
}

/// SQL text and its values, built together so that they stay in step.
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, text: &str, value: impl Into<Value>) {
        self.text.push_str(text);
        self.values.push(value.into());
    }
}

/// A column of the ids of `r`'s relation types, in their order, as
/// comma-separated hexadecimal (six at most: well within `GROUP_CONCAT`'s
/// default 1,024 bytes on MariaDB).
pub(crate) fn relation_types_column(backend: DatabaseBackend) -> &'static str {
    if backend == DatabaseBackend::MySql {
        "(SELECT GROUP_CONCAT(HEX(x.relation_type_id) ORDER BY x.position SEPARATOR ',') \
         FROM resource_relation_types x WHERE x.resource_id = r.id)"
    } else {
        "(SELECT group_concat(hex(x.relation_type_id), ',' ORDER BY x.position) \
         FROM resource_relation_types x WHERE x.resource_id = r.id)"
    }
}

/// How a search by words reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextPlan {
    /// Ask the full-text index for every match, then filter and order them:
    /// best when the words are rare.
    IndexFirst,
    /// Walk the audience's index in the order asked and test each row
    /// against the full-text index (SQLite's FTS5 seeks a rowid in each
    /// word's list): best when the words are common, a page then needing a
    /// few rows per match instead of sorting every match.
    RowByRow,
}

/// On SQLite, more matches than this make a search [`TextPlan::RowByRow`]
/// (by default).
const COMMON_MATCHES: i64 = 2_000;

fn fts5_query(text: &SearchText) -> String {
    // Quoted strings, implicitly all required. Words are letters and
    // digits only (SearchText), so no operator can come from the caller.
    let words: Vec<String> = text.words().iter().map(|w| format!("\"{w}\"")).collect();
    words.join(" ")
}

/// The engine's full-text condition on `r` for these words.
fn text_condition(sql: &mut Sql, backend: DatabaseBackend, text: &SearchText, plan: TextPlan) {
    if backend == DatabaseBackend::MySql {
        // Boolean mode: every word required. Words are letters and digits
        // only (SearchText), so no operator can come from the caller.
        let words: Vec<String> = text.words().iter().map(|w| format!("+{w}")).collect();
        sql.bind(
            " AND MATCH (r.title, r.summary, r.body) AGAINST (? IN BOOLEAN MODE)",
            words.join(" "),
        );
    } else if plan == TextPlan::RowByRow {
        sql.bind(
            " AND EXISTS (SELECT 1 FROM resource_search WHERE resource_search MATCH ? \
             AND rowid = (SELECT k.search_key FROM resource_search_keys k WHERE k.resource_id = r.id))",
            fts5_query(text),
        );
    } else {
        sql.bind(
            " AND r.id IN (SELECT k.resource_id FROM resource_search_keys k \
             WHERE k.search_key IN (SELECT rowid FROM resource_search WHERE resource_search MATCH ?))",
            fts5_query(text),
        );
    }
}

/// The index a MariaDB browse of one audience must walk. Left to itself, the
/// optimiser reads `(state, visibility)` as a reference to two constants and
/// filters the keyset bound row by row, which costs page 500 a scan of the
/// 10,000 rows before it; forced, it reads the range from the bound.
/// SQLite's planner finds the range by itself.
fn audience_index(
    backend: DatabaseBackend,
    query: &CatalogueQuery,
    segment: Segment,
) -> Option<&'static str> {
    if backend != DatabaseBackend::MySql
        || !matches!(segment, Segment::Open(_))
        || query.author.is_some()
    {
        return None;
    }
    Some(match (query.sort, query.category) {
        (CatalogueSort::Newest, None) => "idx_resources_state_visibility_id",
        (CatalogueSort::Newest, Some(_)) => "idx_resources_audience_category",
        (CatalogueSort::MostViewed, _) => "idx_resources_audience_views",
        (CatalogueSort::MostFavourited, _) => "idx_resources_audience_favourites",
    })
}

fn count_column(sort: CatalogueSort) -> Option<&'static str> {
    match sort {
        CatalogueSort::Newest => None,
        CatalogueSort::MostViewed => Some("r.view_count"),
        CatalogueSort::MostFavourited => Some("r.favourite_count"),
    }
}

fn count_value(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn statement(
    backend: DatabaseBackend,
    query: &CatalogueQuery,
    segment: Segment,
    plan: TextPlan,
) -> Result<Statement, RepositoryError> {
    let mut sql = Sql {
        text: format!(
            "SELECT r.id, r.title, r.summary, r.category_id, r.resource_type_id, r.visibility, \
             r.created_at, r.published_at, r.view_count, r.favourite_count, u.username, \
             {} AS relation_types FROM resources r",
            relation_types_column(backend)
        ),
        values: Vec::new(),
    };
    if let Some(index) = audience_index(backend, query, segment) {
        sql.push(&format!(" FORCE INDEX ({index})"));
    }
    if let Segment::SharedWith(user) = segment {
        sql.bind(
            " JOIN resource_shares s ON s.resource_id = r.id AND s.user_id = ?",
            user,
        );
    }
    // A restricted author's resources are theirs alone (GDPR Art. 18): the
    // author's row is joined anyway for the username, so this costs nothing.
    sql.push(
        " JOIN users u ON u.id = r.author_id WHERE r.state = 'published' \
         AND u.restricted_at IS NULL",
    );
    match segment {
        Segment::Open(visibility) => sql.bind(" AND r.visibility = ?", visibility.as_str()),
        Segment::SharedWith(_) => sql.push(" AND r.visibility = 'shared'"),
        Segment::Whole(CatalogueAudience::Visitor) => sql.push(" AND r.visibility = 'public'"),
        Segment::Whole(CatalogueAudience::Member(user)) => sql.bind(
            " AND (r.visibility IN ('public', 'restricted') OR (r.visibility = 'shared' \
             AND EXISTS (SELECT 1 FROM resource_shares s WHERE s.resource_id = r.id AND s.user_id = ?)))",
            user.as_uuid(),
        ),
    }
    if let Some(category) = query.category {
        sql.bind(" AND r.category_id = ?", category.as_uuid());
    }
    if let Some(kind) = query.resource_type {
        sql.bind(" AND r.resource_type_id = ?", kind.as_uuid());
    }
    if !query.relation_types.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM resource_relation_types t \
             WHERE t.resource_id = r.id AND t.relation_type_id IN (",
        );
        for (i, relation_type) in query.relation_types.iter().enumerate() {
            sql.bind(if i == 0 { "?" } else { ", ?" }, relation_type.as_uuid());
        }
        sql.push("))");
    }
    if let Some(author) = query.author {
        sql.bind(" AND r.author_id = ?", author.as_uuid());
    }
    if let Some(from) = query.created_from {
        sql.bind(" AND r.created_at >= ?", to_column(from)?);
    }
    if let Some(before) = query.created_before {
        sql.bind(" AND r.created_at < ?", to_column(before)?);
    }
    if let Some(text) = &query.text {
        text_condition(&mut sql, backend, text, plan);
    }
    let count = count_column(query.sort);
    if let Some(after) = query.after {
        let id = after.id.as_uuid();
        match count {
            None => sql.bind(" AND r.id < ?", id),
            Some(column) => {
                let value = count_value(after.count);
                sql.bind(&format!(" AND ({column} < ?"), value);
                sql.bind(&format!(" OR ({column} = ?"), value);
                sql.bind(" AND r.id < ?))", id);
            }
        }
    }
    match count {
        None => sql.push(" ORDER BY r.id DESC"),
        Some(column) => sql.push(&format!(" ORDER BY {column} DESC, r.id DESC")),
    }
    sql.bind(" LIMIT ?", i64::try_from(query.limit).unwrap_or(i64::MAX));
    Ok(Statement::from_sql_and_values(
        backend, sql.text, sql.values,
    ))
}

/// The ids of [`relation_types_column`].
pub(crate) fn relation_types(
    id: uuid::Uuid,
    raw: Option<String>,
) -> Result<Vec<ReferenceId>, RepositoryError> {
    raw.unwrap_or_default()
        .split(',')
        .filter(|hex| !hex.is_empty())
        .map(|hex| {
            uuid::Uuid::try_parse(hex)
                .map(ReferenceId::from_uuid)
                .map_err(|e| corrupt(TABLE, id, format!("relation type {hex:?}: {e}")))
        })
        .collect()
}

fn counter(id: uuid::Uuid, value: i64) -> Result<u64, RepositoryError> {
    u64::try_from(value).map_err(|e| corrupt(TABLE, id, format!("negative counter: {e}")))
}

fn entry(row: &QueryResult) -> Result<CatalogueEntry, RepositoryError> {
    let get_err = |e: sea_orm::DbErr| map_db_err(e);
    let id: uuid::Uuid = row.try_get("", "id").map_err(get_err)?;
    let title: String = row.try_get("", "title").map_err(get_err)?;
    let summary: String = row.try_get("", "summary").map_err(get_err)?;
    let username: String = row.try_get("", "username").map_err(get_err)?;
    let visibility_name: String = row.try_get("", "visibility").map_err(get_err)?;
    let created_at: PrimitiveDateTime = row.try_get("", "created_at").map_err(get_err)?;
    let published_at: Option<PrimitiveDateTime> =
        row.try_get("", "published_at").map_err(get_err)?;
    let view_count: i64 = row.try_get("", "view_count").map_err(get_err)?;
    let favourite_count: i64 = row.try_get("", "favourite_count").map_err(get_err)?;
    let relations: Option<String> = row.try_get("", "relation_types").map_err(get_err)?;
    Ok(CatalogueEntry {
        id: ResourceId::from_uuid(id),
        author: stored_text(
            "users",
            id,
            "username",
            &username,
            Username::from_stored,
            Username::as_str,
        )?,
        title: stored_text(TABLE, id, "title", &title, Title::parse, Title::as_str)?,
        summary: stored_text(
            TABLE,
            id,
            "summary",
            &summary,
            Summary::parse,
            Summary::as_str,
        )?,
        category: ReferenceId::from_uuid(row.try_get("", "category_id").map_err(get_err)?),
        resource_type: ReferenceId::from_uuid(
            row.try_get("", "resource_type_id").map_err(get_err)?,
        ),
        relation_types: relation_types(id, relations)?,
        visibility: visibility(id, &visibility_name)?,
        created_at: from_column(created_at),
        published_at: published_at.map(from_column),
        view_count: counter(id, view_count)?,
        favourite_count: counter(id, favourite_count)?,
    })
}

/// The sort key of an entry, compared as the statements order: greatest first.
fn key(entry: &CatalogueEntry, sort: CatalogueSort) -> (u64, ResourceId) {
    let cursor = entry.cursor(sort);
    (cursor.count, cursor.id)
}

impl SeaOrmResourceCatalogue {
    /// Counts the matches of `text` up to `common_matches` (a read of
    /// FTS5's lists that stops there) to choose the plan.
    async fn sqlite_plan(&self, text: &SearchText) -> Result<TextPlan, RepositoryError> {
        let row = self
            .conn
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                "SELECT COUNT(*) FROM (SELECT rowid FROM resource_search \
                 WHERE resource_search MATCH ? LIMIT ?)",
                [fts5_query(text).into(), (self.common_matches + 1).into()],
            ))
            .await
            .map_err(map_db_err)?;
        let matches: i64 = match row {
            Some(row) => row.try_get_by_index(0).map_err(map_db_err)?,
            None => 0,
        };
        Ok(if matches > self.common_matches {
            TextPlan::RowByRow
        } else {
            TextPlan::IndexFirst
        })
    }
}

#[async_trait]
impl ResourceCatalogue for SeaOrmResourceCatalogue {
    async fn search(&self, query: &CatalogueQuery) -> Result<Vec<CatalogueEntry>, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let plan = match &query.text {
            Some(text) if backend == DatabaseBackend::Sqlite => self.sqlite_plan(text).await?,
            _ => TextPlan::IndexFirst,
        };
        let segments = match (query.audience, &query.text, plan) {
            (audience, Some(_), TextPlan::IndexFirst) => vec![Segment::Whole(audience)],
            (CatalogueAudience::Visitor, _, _) => vec![Segment::Open(Visibility::Public)],
            (CatalogueAudience::Member(user), _, _) => vec![
                Segment::Open(Visibility::Public),
                Segment::Open(Visibility::Restricted),
                Segment::SharedWith(user.as_uuid()),
            ],
        };
        let mut entries = Vec::new();
        for segment in segments {
            let rows = self
                .conn
                .query_all_raw(statement(backend, query, segment, plan)?)
                .await
                .map_err(map_db_err)?;
            for row in &rows {
                entries.push(entry(row)?);
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(key(e, query.sort)));
        entries.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        Ok(entries)
    }
}
