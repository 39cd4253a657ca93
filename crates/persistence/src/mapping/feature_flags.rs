//! Feature flags: `feature_flags` rows to [`FeatureFlag`] and back.

use std::collections::BTreeSet;

use rr_application::RepositoryError;
use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
use rr_domain::identity::{Region, Role};
use sea_orm::ActiveValue::Set;

use super::{bounded, corrupt, from_column, to_column};
use crate::entities::feature_flag;

const TABLE: &str = "feature_flags";

/// Width of the `regions` and `roles` columns.
const LIST_CHARS: usize = 64;

fn joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(",")
}

/// The items of a comma-separated column, each parsed; empty: none.
fn split<T: Ord>(
    key: &str,
    column: &str,
    stored: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<BTreeSet<T>, RepositoryError> {
    if stored.is_empty() {
        return Ok(BTreeSet::new());
    }
    stored
        .split(',')
        .map(|item| {
            parse(item).ok_or_else(|| corrupt(TABLE, key, format!("{column}: unknown {item:?}")))
        })
        .collect()
}

/// The row of `flag`.
///
/// # Errors
/// [`RepositoryError::Internal`] when a value does not fit its column.
pub(crate) fn flag_row(flag: &FeatureFlag) -> Result<feature_flag::ActiveModel, RepositoryError> {
    let s = &flag.settings;
    let key = flag.key.as_str();
    Ok(feature_flag::ActiveModel {
        flag_key: Set(key.to_owned()),
        description: Set(bounded(
            TABLE,
            "description",
            s.description.as_str(),
            FlagDescription::MAX_CHARS,
        )?),
        enabled: Set(s.enabled),
        rollout_basis_points: Set(
            i16::try_from(s.rollout.basis_points()).map_err(|e| corrupt(TABLE, key, e))?
        ),
        stickiness_group: Set(s.group.as_str().to_owned()),
        regions: Set(bounded(
            TABLE,
            "regions",
            &joined(s.regions.iter().map(|r| r.code())),
            LIST_CHARS,
        )?),
        roles: Set(bounded(
            TABLE,
            "roles",
            &joined(s.roles.iter().map(|r| r.as_str())),
            LIST_CHARS,
        )?),
        version: Set(i64::try_from(flag.version).map_err(|e| corrupt(TABLE, key, e))?),
        created_at: Set(to_column(flag.created_at)?),
        updated_at: Set(to_column(flag.updated_at)?),
    })
}

/// The flag a row holds.
///
/// # Errors
/// [`RepositoryError::Internal`] for a value the domain refuses.
pub(crate) fn into_flag(row: feature_flag::Model) -> Result<FeatureFlag, RepositoryError> {
    let key = row.flag_key.as_str();
    let invalid =
        |column: &str, e: rr_domain::DomainError| corrupt(TABLE, key, format!("{column}: {e}"));
    let description =
        FlagDescription::parse(&row.description).map_err(|e| invalid("description", e))?;
    if description.as_str() != row.description {
        return Err(corrupt(TABLE, key, "description is not trimmed"));
    }
    let rollout = u16::try_from(row.rollout_basis_points)
        .map_err(|e| corrupt(TABLE, key, e))
        .and_then(|bp| {
            Rollout::from_basis_points(bp).map_err(|e| invalid("rollout_basis_points", e))
        })?;
    Ok(FeatureFlag {
        key: FlagKey::parse(key).map_err(|e| invalid("flag_key", e))?,
        settings: FlagSettings {
            description,
            enabled: row.enabled,
            rollout,
            group: FlagKey::parse(&row.stickiness_group)
                .map_err(|e| invalid("stickiness_group", e))?,
            regions: split(key, "regions", &row.regions, |code| {
                Region::parse(code).ok().filter(|r| r.code() == code)
            })?,
            roles: split(key, "roles", &row.roles, Role::parse)?,
        },
        version: u64::try_from(row.version).map_err(|e| corrupt(TABLE, key, e))?,
        created_at: from_column(row.created_at),
        updated_at: from_column(row.updated_at),
    })
}
