//! Code that exists only in the browser build (behind the `hydrate` feature).

pub mod live;
