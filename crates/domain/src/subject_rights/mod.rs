//! The rights of data subjects (GDPR Art. 12–22, DESIGN.md §5) that are not
//! an account's everyday settings: erasing an account ([`ContentChoice`],
//! [`ErasureAuthority`]) and the requests the Ministry receives outside the
//! application, by letter or by email to its data protection officer
//! ([`SubjectRequest`], with its legal deadline).

mod erasure;
mod request;

pub use erasure::{
    ContentChoice, ERASED_AUTHOR, ErasureAuthority, ErasureReason, erased_author_account,
};
pub use request::{
    EXTENDED_MONTHS, FIRST_MONTHS, RequestChannel, RequestKind, RequestOutcome, RequestRuleError,
    RequestStatus, RequestText, SubjectRequest, SubjectRequestId, months_after,
};
