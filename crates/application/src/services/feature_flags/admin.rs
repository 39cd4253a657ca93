//! Administrators' use cases: list, read, create, change and delete flags.
//! Each change is audited and applied to this process's snapshot at once.

use std::collections::BTreeSet;

use rr_domain::features::{FeatureFlag, FlagDescription, FlagKey, FlagSettings, Rollout};
use rr_domain::identity::{AuthenticatedActor, Region, Role};

use super::{FeatureFlagService, MAX_FLAGS, require_administrator};
use crate::{AppError, RepositoryError};

/// A flag to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    /// Its key, for good.
    pub key: FlagKey,
    /// What it switches.
    pub description: FlagDescription,
    /// Whether it is on at all.
    pub enabled: bool,
    /// The share of accounts it is on for.
    pub rollout: Rollout,
    /// Its stickiness group; `None`: its own key.
    pub group: Option<FlagKey>,
    /// Only these regions; empty: all.
    pub regions: BTreeSet<Region>,
    /// Only these roles; empty: all.
    pub roles: BTreeSet<Role>,
}

/// What to change on a flag; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagChange {
    /// A new description.
    pub description: Option<FlagDescription>,
    /// On or off.
    pub enabled: Option<bool>,
    /// A new rollout: raising it keeps every account that had the feature.
    pub rollout: Option<Rollout>,
    /// A new group: it draws the accounts anew.
    pub group: Option<FlagKey>,
    /// New regions (empty: all).
    pub regions: Option<BTreeSet<Region>>,
    /// New roles (empty: all).
    pub roles: Option<BTreeSet<Role>>,
}

impl FlagChange {
    fn apply(self, mut settings: FlagSettings) -> FlagSettings {
        if let Some(description) = self.description {
            settings.description = description;
        }
        if let Some(enabled) = self.enabled {
            settings.enabled = enabled;
        }
        if let Some(rollout) = self.rollout {
            settings.rollout = rollout;
        }
        if let Some(group) = self.group {
            settings.group = group;
        }
        if let Some(regions) = self.regions {
            settings.regions = regions;
        }
        if let Some(roles) = self.roles {
            settings.roles = roles;
        }
        settings
    }
}

impl FeatureFlagService {
    /// Every flag, by key, as stored (not the snapshot: an administrator
    /// sees the latest state).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] `forbidden` or `two_factor_required` below an
    /// administrator with two-factor authentication.
    pub async fn list(&self, actor: &AuthenticatedActor) -> Result<Vec<FeatureFlag>, AppError> {
        require_administrator(actor)?;
        Ok(self.ports.flags.list().await?)
    }

    /// The flag `key`.
    ///
    /// # Errors
    /// As [`Self::list`]; [`AppError::NotFound`].
    pub async fn read(
        &self,
        actor: &AuthenticatedActor,
        key: &FlagKey,
    ) -> Result<FeatureFlag, AppError> {
        require_administrator(actor)?;
        self.ports.flags.find(key).await?.ok_or(AppError::NotFound)
    }

    /// Creates a flag at version 0 (audited as `feature_flag_created`).
    ///
    /// # Errors
    /// As [`Self::list`]; [`AppError::ConflictWith`] `flag_exists` when the
    /// key is taken, `too_many_flags` beyond [`MAX_FLAGS`].
    pub async fn create(
        &self,
        actor: &AuthenticatedActor,
        new: NewFlag,
    ) -> Result<FeatureFlag, AppError> {
        require_administrator(actor)?;
        if self.ports.flags.list().await?.len() >= MAX_FLAGS {
            return Err(AppError::ConflictWith("too_many_flags"));
        }
        let group = new.group.unwrap_or_else(|| new.key.clone());
        let flag = FeatureFlag::create(
            new.key,
            FlagSettings {
                description: new.description,
                enabled: new.enabled,
                rollout: new.rollout,
                group,
                regions: new.regions,
                roles: new.roles,
            },
            self.ports.clock.now(),
        );
        match self.ports.flags.insert(&flag).await {
            Ok(()) => {}
            Err(RepositoryError::Conflict(_)) => return Err(AppError::ConflictWith("flag_exists")),
            Err(err) => return Err(err.into()),
        }
        self.apply(&flag.key, Some(flag.clone()));
        self.audit(actor, "feature_flag_created", &flag).await?;
        Ok(flag)
    }

    /// Changes the flag `key`, if it is still at `version` (audited as
    /// `feature_flag_changed`). The answer is at the next version.
    ///
    /// # Errors
    /// As [`Self::read`]; [`AppError::ConflictWith`] `flag_changed` when it
    /// is no longer at `version` (changed meanwhile): read it again.
    pub async fn change(
        &self,
        actor: &AuthenticatedActor,
        key: &FlagKey,
        version: u64,
        change: FlagChange,
    ) -> Result<FeatureFlag, AppError> {
        let mut flag = self.read(actor, key).await?;
        if flag.version != version {
            return Err(AppError::ConflictWith("flag_changed"));
        }
        let settings = change.apply(flag.settings.clone());
        flag.change(settings, self.ports.clock.now());
        if !self.ports.flags.update(&flag, version).await? {
            return Err(AppError::ConflictWith("flag_changed"));
        }
        self.apply(key, Some(flag.clone()));
        self.audit(actor, "feature_flag_changed", &flag).await?;
        Ok(flag)
    }

    /// Deletes the flag `key` (audited as `feature_flag_deleted`): it is
    /// off for everybody at once.
    ///
    /// # Errors
    /// As [`Self::read`].
    pub async fn delete(&self, actor: &AuthenticatedActor, key: &FlagKey) -> Result<(), AppError> {
        let flag = self.read(actor, key).await?;
        if !self.ports.flags.delete(key).await? {
            return Err(AppError::NotFound);
        }
        self.apply(key, None);
        self.audit(actor, "feature_flag_deleted", &flag).await?;
        Ok(())
    }
}
