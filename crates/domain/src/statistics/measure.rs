/// What the administrators' statistics count (issue 5 point 6).
///
/// Each measure counts events of one kind and the distinct accounts behind
/// them; what an event is, and which filters apply to it, is below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// A resource was read (`consultation_events`); visitors' reads count
    /// apart, without a person.
    Consultations,
    /// The catalogue was searched (`search_events`); visitors' searches count
    /// apart. The category and resource type are those the search was
    /// filtered by; a search has no relation type.
    Searches,
    /// A citizen marked a resource exploited (the mark still held, at the
    /// instant it was set).
    Exploitations,
    /// A citizen added a resource to their favourites (still held).
    Favourites,
    /// A resource was created, whatever its visibility or state now; the
    /// person is its author.
    Creations,
    /// An account was created; the person is the account itself. Only the
    /// region applies.
    Registrations,
}

/// A way to narrow what is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The resource's category (for searches, the category filter used).
    Category,
    /// The resource's type (for searches, the type filter used).
    ResourceType,
    /// One of the resource's relation types.
    RelationType,
    /// The region on the person's profile.
    Region,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Self; 4] = [
        Self::Category,
        Self::ResourceType,
        Self::RelationType,
        Self::Region,
    ];

    /// Whether the dimension splits events into disjoint parts (each event has
    /// at most one value). A resource has several relation types, so relation
    /// types overlap.
    #[must_use]
    pub const fn is_partition(self) -> bool {
        !matches!(self, Self::RelationType)
    }
}

impl Measure {
    /// Every measure, in the order reports list them.
    pub const ALL: [Self; 6] = [
        Self::Consultations,
        Self::Searches,
        Self::Exploitations,
        Self::Favourites,
        Self::Creations,
        Self::Registrations,
    ];

    /// The measure's stable name (`consultations`, `searches`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Consultations => "consultations",
            Self::Searches => "searches",
            Self::Exploitations => "exploitations",
            Self::Favourites => "favourites",
            Self::Creations => "creations",
            Self::Registrations => "registrations",
        }
    }

    /// The measure named `raw` exactly, if any.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    /// Whether the measure can be narrowed by `dimension`.
    #[must_use]
    pub const fn accepts(self, dimension: Dimension) -> bool {
        match self {
            Self::Consultations | Self::Exploitations | Self::Favourites | Self::Creations => true,
            Self::Searches => !matches!(dimension, Dimension::RelationType),
            Self::Registrations => matches!(dimension, Dimension::Region),
        }
    }

    /// Whether visitors (no account) produce events of this measure.
    #[must_use]
    pub const fn has_visitors(self) -> bool {
        matches!(self, Self::Consultations | Self::Searches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_nothing_else_parses() {
        for measure in Measure::ALL {
            assert_eq!(Measure::parse(measure.as_str()), Some(measure));
        }
        for raw in ["", "Consultations", "views", "consultations "] {
            assert_eq!(Measure::parse(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn filters_apply_where_the_events_carry_them() {
        assert!(!Measure::Searches.accepts(Dimension::RelationType));
        assert!(Measure::Searches.accepts(Dimension::Category));
        for dimension in Dimension::ALL {
            assert!(Measure::Consultations.accepts(dimension));
            assert_eq!(
                Measure::Registrations.accepts(dimension),
                dimension == Dimension::Region
            );
        }
        assert!(Measure::Consultations.has_visitors());
        assert!(!Measure::Favourites.has_visitors());
    }
}
