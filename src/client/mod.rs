//! Code that exists only in the browser build (behind the `hydrate` feature): what the page
//! needs once, whatever islands it has — the live connection, the islands' lifetimes, the
//! marks that change with time, visits, keyboard work, and talking to the page router
//! (`pulse.js`, the loader the server serves).

pub mod islands;
pub mod keys;
pub mod live;
pub mod marks;
pub mod nav;
pub mod page;
pub mod thread;
pub mod visits;
