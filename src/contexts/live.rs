//! The live cursor: the event id a server-rendered page is current to. The page carries it
//! (`data-live-cursor` on `<html>`), and the page router's live connection (`pulse.js`)
//! resumes from there and takes only what is newer than the page it shows.

/// Event id the server-rendered page is current to; the client resumes from there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCursor(pub i64);
