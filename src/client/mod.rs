//! Code that exists only in the browser build (behind the `hydrate` feature).

pub mod clock;
pub mod keys;
pub mod live;
pub mod page;
pub mod visits;
