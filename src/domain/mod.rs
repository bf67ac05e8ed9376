//! Pure rules with no I/O: parse-validated values and the policies built on them.

/// An enum stored as text, with a label for people: `ALL`, `as_str`, `label`, `parse`.
///
/// Storage reads and writes it through `as_str` and `parse`: add the type to the
/// `stored_as_text!` list in `src/db/text_column.rs` to use it as a column (an unknown
/// stored value is then a logged decode error, not a default).
macro_rules! labelled_enum {
    ($name:ident { $($variant:ident = $value:literal, $label:literal;)+ }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                match raw { $($value => Some($name::$variant),)+ _ => None }
            }
        }

        /// Serialises as its stored text (`as_str`), as the string field it replaced did.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub mod audit;
pub mod catalogue;
pub mod certificate;
pub mod content;
pub mod cpd;
pub mod eligibility;
pub mod email;
pub mod enrolment;
pub mod learning;
pub mod london;
pub mod material;
pub mod money;
pub mod password;
pub mod redirect;
pub mod role;
pub mod search;
pub mod slug;
pub mod throttle;
pub mod upload;
