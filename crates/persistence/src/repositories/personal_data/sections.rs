//! What an export reads: every table that refers to a person, which of its
//! rows, and which of its columns (ADR 0022). The completeness test
//! (`tests/personal_data_contract.rs`) walks the live schema and fails when a
//! column holding account ids is not read by one of these sections, so a new
//! table that refers to accounts needs its section here.

/// How a column's values are read and written in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A UUID.
    Id,
    /// Text.
    Text,
    /// An instant (UTC, to the microsecond).
    Instant,
    /// A boolean.
    Flag,
    /// A whole number.
    Integer,
    /// A calendar date (written `YYYY-MM-DD`).
    Date,
}

/// A column of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Col {
    /// Its name in the table.
    pub(crate) name: &'static str,
    /// How it is read.
    pub(crate) kind: Kind,
}

const fn id(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Id,
    }
}

const fn text(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Text,
    }
}

const fn instant(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Instant,
    }
}

const fn flag(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Flag,
    }
}

const fn int(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Integer,
    }
}

const fn date(name: &'static str) -> Col {
    Col {
        name,
        kind: Kind::Date,
    }
}

/// Which rows of a table are about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Those whose column holds the person's account id.
    Referring(&'static str),
    /// Those whose `column` names a row of `parent` (by `parent_key`) whose
    /// `parent_person` holds the person's id: the attachments, relation
    /// types and shares of the person's resources.
    Through {
        column: &'static str,
        parent: &'static str,
        parent_key: &'static str,
        parent_person: &'static str,
    },
}

/// How a section's rows are handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Row by row, in pages ordered by the key (unique among the rows read).
    Paged(&'static [Col]),
    /// All at once: a few rows by nature, with no exportable unique key.
    Whole,
    /// Only how many there are, as one row `{ <field>: n }`: rows made of
    /// secrets alone (recovery codes).
    Count(&'static str),
}

/// A part of the archive: rows of one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Section {
    /// Key in the archive (camelCase).
    pub(crate) name: &'static str,
    /// What it holds, for the reader of the archive.
    pub(crate) description: &'static str,
    /// The table read.
    pub(crate) table: &'static str,
    /// Its rows about the person.
    pub(crate) rows: Rows,
    /// A further condition, in SQL; each `?` is bound to the person's id.
    pub(crate) filter: Option<&'static str>,
    /// How rows are handed out.
    pub(crate) shape: Shape,
    /// The columns exported, in order (named in camelCase in the archive).
    pub(crate) columns: &'static [Col],
}

/// The rows of a table whose `column` names one of the person's resources.
const fn resources_of(column: &'static str) -> Rows {
    Rows::Through {
        column,
        parent: "resources",
        parent_key: "id",
        parent_person: "author_id",
    }
}

/// The sections, in archive order.
pub(crate) const SECTIONS: &[Section] = &[
    Section {
        name: "account",
        description: "Your account as stored in clear: username, role, standing, verification, \
                      second factor, privacy choices, region, restriction and dates. Password \
                      hash, keys and sealed fields are withheld (the profile section holds the \
                      sealed fields, opened).",
        table: "users",
        rows: Rows::Referring("id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("username"),
            text("role"),
            text("status"),
            text("suspension_reason"),
            instant("suspended_until"),
            instant("email_verified_at"),
            flag("totp_enabled"),
            int("failed_logins"),
            instant("locked_until"),
            text("policy_version"),
            flag("statistics_objection"),
            text("region"),
            flag("communications_consent"),
            instant("restricted_at"),
            instant("last_active_at"),
            instant("inactivity_warned_at"),
            instant("created_at"),
            instant("updated_at"),
        ],
    },
    Section {
        name: "consents",
        description: "Every choice you made about the privacy policy and terms, communications \
                      and statistics: granted or withdrawn, the policy version, and when.",
        table: "consents",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[
            int("id"),
            text("purpose"),
            flag("granted"),
            text("policy_version"),
            instant("recorded_at"),
        ],
    },
    Section {
        name: "sessions",
        description: "Your login sessions (one per device or login): when opened, last used, \
                      their end or revocation, and the client they named. Token hashes are \
                      withheld.",
        table: "sessions",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            instant("created_at"),
            instant("last_used_at"),
            instant("expires_at"),
            instant("revoked_at"),
            text("client"),
        ],
    },
    Section {
        name: "singleUseLinks",
        description: "Links sent to you by email (address verification, password reset, \
                      invitation): purpose, when sent, their end and use. The tokens are withheld.",
        table: "one_time_tokens",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Whole,
        columns: &[
            text("purpose"),
            instant("created_at"),
            instant("expires_at"),
            instant("used_at"),
        ],
    },
    Section {
        name: "recoveryCodes",
        description: "How many unused two-factor recovery codes you have. The codes themselves \
                      are stored only as hashes and withheld.",
        table: "recovery_codes",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Count("remaining"),
        columns: &[],
    },
    Section {
        name: "resources",
        description: "Every resource you created, whatever its state (deleted ones included), \
                      with its content, classification, visibility, moderation state and \
                      counters.",
        table: "resources",
        rows: Rows::Referring("author_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("title"),
            text("summary"),
            text("body"),
            id("category_id"),
            id("resource_type_id"),
            text("external_link"),
            text("visibility"),
            text("state"),
            text("state_reason"),
            int("view_count"),
            int("favourite_count"),
            instant("created_at"),
            instant("updated_at"),
            instant("published_at"),
            instant("deleted_at"),
            int("version"),
        ],
    },
    Section {
        name: "resourceRelationTypes",
        description: "The relation types of your resources, in the order you gave them.",
        table: "resource_relation_types",
        rows: resources_of("resource_id"),
        filter: None,
        shape: Shape::Paged(&[id("resource_id"), id("relation_type_id")]),
        columns: &[id("resource_id"), id("relation_type_id"), int("position")],
    },
    Section {
        name: "resourceShares",
        description: "The accounts you shared your resources with.",
        table: "resource_shares",
        rows: resources_of("resource_id"),
        filter: None,
        shape: Shape::Paged(&[id("resource_id"), id("user_id")]),
        columns: &[id("resource_id"), id("user_id")],
    },
    Section {
        name: "attachments",
        description: "The files attached to your resources: name, type, size and date (the \
                      files themselves are downloaded from each resource).",
        table: "attachments",
        rows: resources_of("resource_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            id("resource_id"),
            text("file_name"),
            text("media_type"),
            int("size_bytes"),
            instant("created_at"),
        ],
    },
    Section {
        name: "sharedWithYou",
        description: "The resources other citizens shared with you.",
        table: "resource_shares",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("resource_id")]),
        columns: &[id("resource_id")],
    },
    Section {
        name: "comments",
        description: "Every comment and reply you wrote, in every state: visible, held for \
                      review, hidden by a moderator (with the reason), or deleted (a tombstone \
                      without its text).",
        table: "comments",
        rows: Rows::Referring("author_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            id("resource_id"),
            id("parent_id"),
            id("root_id"),
            int("depth"),
            text("body"),
            flag("as_moderator"),
            text("state"),
            text("state_reason"),
            instant("created_at"),
            instant("edited_at"),
            instant("updated_at"),
            int("version"),
        ],
    },
    Section {
        name: "reports",
        description: "The reports you made about resources and comments, with their outcome. \
                      The moderator who closed one is not named.",
        table: "reports",
        rows: Rows::Referring("reporter_id"),
        filter: None,
        shape: Shape::Paged(&[text("target_kind"), id("target_id")]),
        columns: &[
            id("id"),
            text("target_kind"),
            id("target_id"),
            id("resource_id"),
            text("reason"),
            text("text"),
            text("status"),
            instant("created_at"),
            instant("closed_at"),
            text("note"),
        ],
    },
    Section {
        name: "reportsYouClosed",
        description: "As a moderator: the reports you closed (the reporters are not named).",
        table: "reports",
        rows: Rows::Referring("closed_by"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("target_kind"),
            id("target_id"),
            text("status"),
            instant("closed_at"),
            text("note"),
        ],
    },
    Section {
        name: "moderationDecisions",
        description: "As a moderator: the decisions you took, from the moderation log.",
        table: "moderation_log",
        rows: Rows::Referring("actor_id"),
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[
            int("id"),
            instant("at"),
            text("action"),
            text("target_kind"),
            id("target_id"),
            id("resource_id"),
            id("report_id"),
            text("reason"),
        ],
    },
    Section {
        name: "favourites",
        description: "The resources you marked as favourites, and when.",
        table: "favourites",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("resource_id")]),
        columns: &[id("resource_id"), instant("created_at")],
    },
    Section {
        name: "progress",
        description: "Your progress marks: resources exploited or set aside, and when.",
        table: "resource_progress",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("resource_id")]),
        columns: &[
            id("resource_id"),
            flag("exploited"),
            instant("exploited_at"),
            flag("set_aside"),
            instant("set_aside_at"),
            instant("updated_at"),
        ],
    },
    Section {
        name: "notifications",
        description: "Your inbox: what the platform told you about your content, read or not.",
        table: "notifications",
        rows: Rows::Referring("recipient_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("kind"),
            id("resource_id"),
            id("comment_id"),
            id("reply_id"),
            text("reason"),
            instant("created_at"),
            instant("read_at"),
        ],
    },
    Section {
        name: "staffAccessJournal",
        description: "Every reading of your personal data by a staff member: when, who (their \
                      account id and role), why, and which fields.",
        table: "staff_access_log",
        rows: Rows::Referring("subject_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            instant("at"),
            id("staff_id"),
            text("staff_role"),
            text("reason"),
            text("fields"),
        ],
    },
    Section {
        name: "staffAccessesYouMade",
        description: "As staff: the readings of other persons' personal data you made.",
        table: "staff_access_log",
        rows: Rows::Referring("staff_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            instant("at"),
            text("staff_role"),
            id("subject_id"),
            text("reason"),
            text("fields"),
        ],
    },
    Section {
        name: "auditEvents",
        description: "The security audit log's entries about your account: logins, failures, \
                      password and second-factor changes, rectifications (which fields, never \
                      their values), staff actions, exports…",
        table: "audit_log",
        rows: Rows::Referring("subject_id"),
        filter: None,
        shape: Shape::Paged(&[int("sequence")]),
        columns: &[
            int("sequence"),
            instant("at"),
            text("action"),
            id("actor_id"),
            text("detail"),
        ],
    },
    Section {
        name: "auditEventsByYou",
        description: "The audit log's entries of what you did to other accounts or to the \
                      platform (as staff).",
        table: "audit_log",
        rows: Rows::Referring("actor_id"),
        filter: Some("(subject_id IS NULL OR subject_id <> ?)"),
        shape: Shape::Paged(&[int("sequence")]),
        columns: &[
            int("sequence"),
            instant("at"),
            text("action"),
            id("subject_id"),
            text("detail"),
        ],
    },
    Section {
        name: "rectifications",
        description: "The history of the corrections of your profile: when, and which fields \
                      (the values themselves are not kept in the history).",
        table: "audit_log",
        rows: Rows::Referring("subject_id"),
        filter: Some("action = 'profile_rectified'"),
        shape: Shape::Paged(&[int("sequence")]),
        columns: &[
            int("sequence"),
            instant("at"),
            id("actor_id"),
            text("detail"),
        ],
    },
    Section {
        name: "consultations",
        description: "The statistics events of your consultations of resources (recorded only \
                      while you did not object to statistics).",
        table: "consultation_events",
        rows: Rows::Referring("viewer_id"),
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[id("resource_id"), instant("occurred_at")],
    },
    Section {
        name: "searches",
        description: "The statistics events of your searches: when and with which filters (the \
                      words searched are never stored).",
        table: "search_events",
        rows: Rows::Referring("searcher_id"),
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[
            instant("occurred_at"),
            id("category_id"),
            id("resource_type_id"),
            flag("with_text"),
        ],
    },
    Section {
        name: "dataExports",
        description: "The exports of your data, this one included: who asked (you or staff \
                      answering your request), when, and what became of them.",
        table: "data_exports",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("origin"),
            id("requested_by"),
            text("status"),
            instant("requested_at"),
            instant("finished_at"),
            instant("expires_at"),
            instant("downloaded_at"),
            text("failure"),
        ],
    },
    Section {
        name: "dataExportsYouRequested",
        description: "As staff: the exports of other persons' data you asked for.",
        table: "data_exports",
        rows: Rows::Referring("requested_by"),
        filter: Some("user_id <> ?"),
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            id("user_id"),
            text("status"),
            instant("requested_at"),
            instant("downloaded_at"),
        ],
    },
    Section {
        name: "subjectRequests",
        description: "The requests about your data you made outside the application (letter, \
                      email to the data protection officer), as staff recorded them: kind, \
                      channel, dates, legal deadline, notes and outcome. The staff members are \
                      not named.",
        table: "subject_requests",
        rows: Rows::Referring("subject_id"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            text("kind"),
            text("channel"),
            date("received_on"),
            date("due_on"),
            text("extension_reason"),
            text("notes"),
            text("status"),
            text("outcome"),
            text("outcome_note"),
            instant("recorded_at"),
            instant("closed_at"),
        ],
    },
    Section {
        name: "subjectRequestEvents",
        description: "What was done on those requests, and when.",
        table: "subject_request_events",
        rows: Rows::Through {
            column: "request_id",
            parent: "subject_requests",
            parent_key: "id",
            parent_person: "subject_id",
        },
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[
            int("id"),
            id("request_id"),
            instant("at"),
            text("action"),
            text("detail"),
        ],
    },
    Section {
        name: "subjectRequestsYouRecorded",
        description: "As staff: the requests of other persons you recorded.",
        table: "subject_requests",
        rows: Rows::Referring("recorded_by"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            id("subject_id"),
            text("kind"),
            text("status"),
            instant("recorded_at"),
        ],
    },
    Section {
        name: "subjectRequestsYouClosed",
        description: "As staff: the requests of other persons you closed.",
        table: "subject_requests",
        rows: Rows::Referring("closed_by"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[
            id("id"),
            id("subject_id"),
            text("kind"),
            text("outcome"),
            instant("closed_at"),
        ],
    },
    Section {
        name: "subjectRequestActionsByYou",
        description: "As staff: what you did on requests of other persons.",
        table: "subject_request_events",
        rows: Rows::Referring("actor_id"),
        filter: None,
        shape: Shape::Paged(&[int("id")]),
        columns: &[int("id"), id("request_id"), instant("at"), text("action")],
    },
    Section {
        name: "breachesAffectingYou",
        description: "The personal data breaches recorded as concerning your account, and when \
                      your account was added to them.",
        table: "breach_affected_accounts",
        rows: Rows::Referring("user_id"),
        filter: None,
        shape: Shape::Paged(&[id("breach_id")]),
        columns: &[id("breach_id"), instant("attached_at")],
    },
    Section {
        name: "breachesYouRecorded",
        description: "As an administrator: the breaches you recorded in the register.",
        table: "breaches",
        rows: Rows::Referring("recorded_by"),
        filter: None,
        shape: Shape::Paged(&[id("id")]),
        columns: &[id("id"), instant("known_at"), instant("recorded_at")],
    },
    Section {
        name: "breachAccountsYouAttached",
        description: "As an administrator: the accounts you listed as affected by a breach.",
        table: "breach_affected_accounts",
        rows: Rows::Referring("attached_by"),
        filter: None,
        shape: Shape::Paged(&[id("breach_id"), id("user_id")]),
        columns: &[id("breach_id"), id("user_id"), instant("attached_at")],
    },
];

/// The columns of `users` an export does not show, and why: secrets, and
/// what the profile section shows opened.
pub(crate) const WITHHELD_USER_COLUMNS: &[(&str, &str)] = &[
    (
        "username_canonical",
        "the username in lower case, for uniqueness",
    ),
    (
        "email_index",
        "a keyed hash of the email address, for lookups",
    ),
    (
        "data_key_id",
        "the id of the master key wrapping the data key",
    ),
    ("data_key", "the wrapped data key"),
    ("email", "sealed; opened in the profile section"),
    ("first_name", "sealed; opened in the profile section"),
    ("last_name", "sealed; opened in the profile section"),
    ("country", "sealed; opened in the profile section"),
    ("phone", "sealed; opened in the profile section"),
    ("password_hash", "a secret"),
    ("totp_secret", "a secret"),
    (
        "totp_last_step",
        "the last second-factor step used, against replays",
    ),
];
