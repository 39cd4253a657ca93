//! Creating and editing resources.

use rr_domain::identity::{Actor, AuthenticatedActor, UserId, Username};
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Lifecycle, ResourceId, Visibility, can_edit, can_view, edit_refusal};

use super::{NewResource, ResourceChanges, ResourceService, ResourceView, facts};
use crate::ports::ResourceRecord;
use crate::services::WriteAction;
use crate::{AppError, FieldViolation, RepositoryError};

/// Most citizens a resource may be shared with.
pub const MAX_SHARES: usize = 100;

impl ResourceService {
    /// Creates a draft of the caller's, within their budget of creations
    /// (see [`crate::services::write_limits`]).
    ///
    /// # Errors
    /// [`AppError::WriteRateLimited`] when the caller created too many
    /// resources lately;
    /// [`AppError::Invalid`] for an unknown or inactive category, an unknown
    /// resource or relation type, no relation type, or a sharing list that
    /// does not fit the visibility.
    pub async fn create(
        &self,
        actor: &AuthenticatedActor,
        new: NewResource,
    ) -> Result<ResourceView, AppError> {
        self.ports
            .write_limits
            .check(actor.user_id, WriteAction::Resource)?;
        let mut violations = Vec::new();
        let relation_types = self
            .check_classification(
                Some(new.category),
                Some(new.resource_type),
                Some(&new.relation_types),
                &mut violations,
            )
            .await?;
        let shared_with = self
            .resolve_shares(
                actor.user_id,
                new.visibility,
                &new.shared_with,
                &mut violations,
            )
            .await?;
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }
        let now = self.ports.clock.now();
        let record = ResourceRecord {
            id: ResourceId::generate(),
            author: actor.user_id,
            title: new.title,
            summary: new.summary,
            body: new.body,
            category: new.category,
            resource_type: new.resource_type,
            relation_types: relation_types.unwrap_or_default(),
            external_link: new.external_link,
            visibility: new.visibility,
            state: Lifecycle::Draft,
            shared_with,
            created_at: now,
            updated_at: now,
            published_at: None,
            deleted_at: None,
            version: 0,
        };
        self.ports
            .resources
            .insert(&record)
            .await
            .map_err(classification_conflict)?;
        self.view(&Actor::User(*actor), record).await
    }

    /// Changes a resource the caller may edit. Changing a published public or
    /// restricted resource (or making it so) sends it back to review.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the caller may not see it;
    /// [`AppError::Forbidden`] when they may see but not edit it;
    /// [`AppError::ConflictWith`] `edit_conflict` when it changed meanwhile;
    /// [`AppError::Invalid`] as for [`ResourceService::create`].
    pub async fn update(
        &self,
        actor: &AuthenticatedActor,
        id: ResourceId,
        changes: ResourceChanges,
    ) -> Result<ResourceView, AppError> {
        let who = Actor::User(*actor);
        let mut record = self.visible(&who, id).await?;
        if !can_edit(&who, &facts(&record)) {
            return Err(AppError::Forbidden(edit_refusal(&who, &facts(&record))));
        }
        let mut violations = Vec::new();
        let relation_types = self
            .check_classification(
                changes.category.filter(|c| *c != record.category),
                changes.resource_type,
                changes.relation_types.as_ref(),
                &mut violations,
            )
            .await?;
        let visibility = changes.visibility.unwrap_or(record.visibility);
        let shared_with = match &changes.shared_with {
            Some(names) => Some(
                self.resolve_shares(record.author, visibility, names, &mut violations)
                    .await?,
            ),
            None if visibility != Visibility::Shared => Some(Vec::new()),
            None => None,
        };
        if !violations.is_empty() {
            return Err(AppError::Invalid(violations));
        }
        record.state = record
            .state
            .after_edit(visibility)
            .map_err(|e| AppError::ConflictWith(e.code()))?;
        if let Some(title) = changes.title {
            record.title = title;
        }
        if let Some(summary) = changes.summary {
            record.summary = summary;
        }
        if let Some(body) = changes.body {
            record.body = body;
        }
        if let Some(category) = changes.category {
            record.category = category;
        }
        if let Some(resource_type) = changes.resource_type {
            record.resource_type = resource_type;
        }
        if let Some(relation_types) = relation_types {
            record.relation_types = relation_types;
        }
        if let Some(link) = changes.external_link {
            record.external_link = link;
        }
        if let Some(shared_with) = shared_with {
            record.shared_with = shared_with;
        }
        record.visibility = visibility;
        record.updated_at = self.ports.clock.now();
        self.save(&mut record).await?;
        if !can_view(&who, &facts(&record)) {
            // An administrator's edit may take a resource out of their sight.
            return Err(AppError::NotFound);
        }
        self.view(&who, record).await
    }

    /// Stores an edited record, bumping its version.
    pub(super) async fn save(&self, record: &mut ResourceRecord) -> Result<(), AppError> {
        if !self
            .ports
            .resources
            .update(record)
            .await
            .map_err(classification_conflict)?
        {
            return Err(AppError::ConflictWith("edit_conflict"));
        }
        record.version += 1;
        Ok(())
    }

    /// Checks the classification given (`None` leaves a part unchecked);
    /// returns the relation types without duplicates, in the order given.
    async fn check_classification(
        &self,
        category: Option<ReferenceId>,
        resource_type: Option<ReferenceId>,
        relation_types: Option<&Vec<ReferenceId>>,
        violations: &mut Vec<FieldViolation>,
    ) -> Result<Option<Vec<ReferenceId>>, AppError> {
        if let Some(category) = category {
            let categories = self.ports.reference_data.list_categories().await?;
            match categories.iter().find(|c| c.id == category) {
                None => violations.push(FieldViolation::new(
                    "categoryId",
                    "unknown_category",
                    "Cette catégorie n'existe pas.",
                )),
                Some(c) if !c.active => violations.push(FieldViolation::new(
                    "categoryId",
                    "inactive_category",
                    "Cette catégorie n'accepte plus de nouvelles ressources.",
                )),
                Some(_) => {}
            }
        }
        if let Some(resource_type) = resource_type {
            let types = self.ports.reference_data.list_resource_types().await?;
            if !types.iter().any(|t| t.id == resource_type) {
                violations.push(FieldViolation::new(
                    "resourceTypeId",
                    "unknown_resource_type",
                    "Ce type de ressource n'existe pas.",
                ));
            }
        }
        let Some(wanted) = relation_types else {
            return Ok(None);
        };
        let known = self.ports.reference_data.list_relation_types().await?;
        let mut unique = Vec::with_capacity(wanted.len());
        for id in wanted {
            if !known.iter().any(|r| r.id == *id) {
                violations.push(FieldViolation::new(
                    "relationTypeIds",
                    "unknown_relation_type",
                    "Un type de relation n'existe pas.",
                ));
                break;
            }
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        if wanted.is_empty() {
            violations.push(FieldViolation::new(
                "relationTypeIds",
                "relation_type_required",
                "Choisissez au moins un type de relation.",
            ));
        }
        Ok(Some(unique))
    }

    /// The accounts behind a sharing list, which only a shared resource may have.
    async fn resolve_shares(
        &self,
        author: UserId,
        visibility: Visibility,
        names: &[Username],
        violations: &mut Vec<FieldViolation>,
    ) -> Result<Vec<UserId>, AppError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        if visibility != Visibility::Shared {
            violations.push(FieldViolation::new(
                "sharedWith",
                "sharing_requires_shared_visibility",
                "Seule une ressource partagée a une liste de partage.",
            ));
            return Ok(Vec::new());
        }
        if names.len() > MAX_SHARES {
            violations.push(FieldViolation::new(
                "sharedWith",
                "too_many_shares",
                format!("Une ressource se partage avec {MAX_SHARES} personnes au plus."),
            ));
            return Ok(Vec::new());
        }
        let mut ids = Vec::with_capacity(names.len());
        for name in names {
            match self.ports.users.find_by_username(name).await? {
                None => {
                    violations.push(FieldViolation::new(
                        "sharedWith",
                        "unknown_username",
                        format!("Aucun compte ne s'appelle {name}."),
                    ));
                }
                Some(user) if user.id == author => violations.push(FieldViolation::new(
                    "sharedWith",
                    "cannot_share_with_self",
                    "L'auteur voit déjà sa ressource.",
                )),
                Some(user) if !ids.contains(&user.id) => ids.push(user.id),
                Some(_) => {}
            }
        }
        Ok(ids)
    }
}

/// A reference that vanished between the check and the write.
fn classification_conflict(err: RepositoryError) -> AppError {
    match err {
        RepositoryError::Conflict(_) => AppError::ConflictWith("edit_conflict"),
        other => other.into(),
    }
}
