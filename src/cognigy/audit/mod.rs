//! Cognigy's audit trail (who changed what, when): [`events`] the typed events, [`read`] reading
//! the trail back to a time (or why it cannot: not available to this key, too short), and
//! [`touched`] which resources the events name. Knows nothing of git; the trail is a hint, never
//! the only truth (Cognigy does not document that every change is recorded).

pub mod events;
pub mod read;
pub mod touched;

pub use events::{Element, ElementType, Event, Op};
pub use read::{Short, Trail, Window, read_since, request, unavailable};
pub use touched::{FlowTouched, LexiconTouched, Touched, touched};
