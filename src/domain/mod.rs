//! Pure rules with no I/O: parse-validated values and the policies built on them.

/// An enum stored as text, with a label for people: `ALL`, `as_str`, `label`, `parse`.
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
    };
}

pub mod catalogue;
pub mod eligibility;
pub mod email;
pub mod enrolment;
pub mod london;
pub mod money;
pub mod password;
pub mod redirect;
pub mod search;
pub mod slug;
pub mod throttle;
pub mod upload;
