//! Inputs and outputs of the resource use cases.

use rr_domain::identity::Username;
use rr_domain::reference::ReferenceId;
use rr_domain::resource::{Body, ExternalLink, Summary, Title, Visibility};

use crate::ports::ResourceRecord;

/// A new resource, parsed.
#[derive(Debug, Clone)]
pub struct NewResource {
    /// Title.
    pub title: Title,
    /// Summary.
    pub summary: Summary,
    /// Markdown body.
    pub body: Body,
    /// Category.
    pub category: ReferenceId,
    /// Resource type.
    pub resource_type: ReferenceId,
    /// Relation types, at least one.
    pub relation_types: Vec<ReferenceId>,
    /// Optional external link.
    pub external_link: Option<ExternalLink>,
    /// Audience.
    pub visibility: Visibility,
    /// Usernames to share with (only for `Shared`).
    pub shared_with: Vec<Username>,
}

/// Changes to a resource; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ResourceChanges {
    /// New title.
    pub title: Option<Title>,
    /// New summary.
    pub summary: Option<Summary>,
    /// New body.
    pub body: Option<Body>,
    /// New category.
    pub category: Option<ReferenceId>,
    /// New resource type.
    pub resource_type: Option<ReferenceId>,
    /// New relation types.
    pub relation_types: Option<Vec<ReferenceId>>,
    /// New link; `Some(None)` removes it.
    pub external_link: Option<Option<ExternalLink>>,
    /// New audience.
    pub visibility: Option<Visibility>,
    /// New sharing list (replaces the old one).
    pub shared_with: Option<Vec<Username>>,
}

/// A resource as a caller sees it.
#[derive(Debug, Clone)]
pub struct ResourceView {
    /// The stored resource.
    pub record: ResourceRecord,
    /// Its author's public handle.
    pub author: Username,
    /// Who it is shared with (for its author only; empty otherwise).
    pub shared_with: Vec<Username>,
    /// Whether the caller is its author.
    pub is_author: bool,
}
