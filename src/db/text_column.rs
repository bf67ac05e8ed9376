//! Domain enums stored as text: one `sqlx::Type`/`Encode`/`Decode` path for both backends.
//!
//! `src/domain/` knows nothing of storage, so the impls live here. [`stored_as_text!`]
//! makes any type with `as_str(self) -> &'static str` and `parse(&str) -> Option<Self>`
//! (every `labelled_enum!`) a text column on SQLite and PostgreSQL alike. A stored value the
//! type does not know is a decode error, logged here, never a silent default: the query
//! fails with `DbError::Other` naming the column.

use sqlx::error::BoxDynError;

/// A text column held a value its type does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown {type_name} value {value:?} stored")]
pub struct UnknownValue {
    pub type_name: &'static str,
    pub value: String,
}

/// The decode error for `raw`, logged once where it is found.
pub fn unknown_value(type_name: &'static str, raw: &str) -> BoxDynError {
    tracing::error!(
        type_name,
        value = raw,
        "unknown value stored in a text column"
    );
    Box::new(UnknownValue {
        type_name,
        value: raw.to_owned(),
    })
}

/// Implements `sqlx::Type`, `Encode` and `Decode` for every database whose `str` they are
/// for (SQLite and PostgreSQL), through the type's `as_str` and `parse`.
macro_rules! stored_as_text {
    ($($ty:path),+ $(,)?) => {$(
        impl<DB: sqlx::Database> sqlx::Type<DB> for $ty
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $ty
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let text: &'q str = self.as_str();
                <&'q str as sqlx::Encode<'q, DB>>::encode(text, buf)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $ty
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let raw = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                <$ty>::parse(raw).ok_or_else(|| {
                    $crate::db::text_column::unknown_value(std::any::type_name::<$ty>(), raw)
                })
            }
        }
    )+};
}

stored_as_text!(
    crate::db::link_requests::LinkWanted,
    crate::db::cpd::history::HistoryAction,
    crate::domain::cpd::entry::EntryKind,
    crate::domain::cpd::entry::Method,
    crate::domain::cpd::entry::Planning,
    crate::domain::cpd::entry::CodeTheme,
    crate::domain::cpd::entry::FeedbackSource,
    crate::domain::audit::SubjectKind,
    crate::domain::certificate::CertificateState,
    crate::domain::catalogue::CohortStatus,
    crate::domain::catalogue::Format,
    crate::domain::catalogue::Level,
    crate::domain::content::FindingKind,
    crate::domain::content::PostKind,
    crate::domain::eligibility::LearnerType,
    crate::domain::enrolment::Funding,
    crate::domain::enrolment::Status,
    crate::domain::material::FileFormat,
    crate::domain::material::MaterialKind,
    crate::domain::learning::CompletionRule,
    crate::domain::learning::Mark,
    crate::domain::role::Role,
);
