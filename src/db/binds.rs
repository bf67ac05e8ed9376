//! Values bound to SQL built at run time (streams, batched inserts, updates with a varying
//! list of columns), one type that binds the same way on both backends.

use chrono::{DateTime, NaiveDate, Utc};

/// One bind parameter. `None` binds SQL `null` of the variant's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
}

/// Binds every value of an iterator of [`Value`]s to a `sqlx` query, in order. A macro
/// rather than a function so that it expands once per driver inside [`run!`](super::run).
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                $crate::db::binds::Value::Int(v) => query.bind(v),
                $crate::db::binds::Value::Text(v) => query.bind(v),
                $crate::db::binds::Value::Bool(v) => query.bind(v),
                $crate::db::binds::Value::Time(v) => query.bind(v),
                $crate::db::binds::Value::Date(v) => query.bind(v),
                $crate::db::binds::Value::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}
pub(crate) use bind_values;

macro_rules! value_from {
    ($($variant:ident: $ty:ty),+ $(,)?) => {$(
        impl From<$ty> for Value {
            fn from(value: $ty) -> Value {
                Value::$variant(Some(value.into()))
            }
        }
        impl From<Option<$ty>> for Value {
            fn from(value: Option<$ty>) -> Value {
                Value::$variant(value.map(Into::into))
            }
        }
    )+};
}

value_from!(
    Int: i64,
    Int: i32,
    Text: String,
    Text: &str,
    Bool: bool,
    Time: DateTime<Utc>,
    Date: NaiveDate,
    Bytes: Vec<u8>,
);

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn conversions_keep_the_value_and_its_nulls() {
        assert_eq!(Value::from(7_i32), Value::Int(Some(7)));
        assert_eq!(Value::from("a"), Value::Text(Some("a".into())));
        assert_eq!(Value::from(None::<&str>), Value::Text(None));
        assert_eq!(Value::from(Some(true)), Value::Bool(Some(true)));
    }
}
