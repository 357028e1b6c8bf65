//! Code that exists only in the browser build (behind the `hydrate` feature), which only a
//! page with islands (the desk's brief editor) loads: the islands' lifetimes, reading the
//! editor's form, and talking to the page router (`pulse.js`, the loader the server serves,
//! which owns everything a reader's pages do in the browser).

pub mod islands;
pub mod nav;
pub mod page;
