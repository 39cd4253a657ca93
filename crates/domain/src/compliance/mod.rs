//! What the Ministry must be able to show the CNIL (GDPR Art. 5(2),
//! accountability): how long each kind of personal data is kept
//! ([`RetentionPeriods`]), the register of processing activities (Art. 30,
//! [`ProcessingRegister`], built from those periods) and the register of
//! personal data breaches (Art. 33(5), [`Breach`], with its 72-hour
//! notification deadline).

mod breach;
mod register;
mod retention;

pub use breach::{
    AuthorityNotification, AuthorityReference, Breach, BreachAssessment, BreachId, BreachRuleError,
    BreachText, DataCategory, NOTIFICATION_DELAY, PeopleNotification, SubjectCategory,
};
pub use register::{
    Controller, LegalBasis, ProcessingActivity, ProcessingRegister, Retention, RetentionTerm,
    processing_register,
};
pub use retention::{RetentionCategory, RetentionPeriods, Span, start_of};
