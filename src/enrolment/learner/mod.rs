//! What learners do: enrol (free, by card, by invoice, or into the queue), answer an offer,
//! and cancel; and, for a card hold, go on to the provider's checkout.

mod cancel;
mod enrol;
mod next;
mod offer;
mod seat_taken;

pub use cancel::{cancel, end_places_of_deleted_account};
pub use enrol::{Choice, Enrolled, enrol, funding_for};
pub use next::{NextStep, take_offer, take_place};
pub use offer::{accept_offer, decline_offer};
