//! The islands' lifetimes. The loader (`pulse.js`) hydrates every `<leptos-island>` between
//! [`island_enter`] and [`island_leave`], so each one's reactive owner hangs off a scope of its
//! own; after a navigation [`page_changed`] pauses and cleans up the scope of every island
//! whose element left the document. Its effects end, its listeners go — Leptos itself never
//! tears an island down (its view state is leaked on purpose, render effects included, so they
//! are paused rather than trusted to go away). Work an island started that outlives it (a
//! timer, a request in flight) reads its state with `try_` and finds nothing.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

struct Registry {
    /// The app's root owner, made by `hydrate_islands`.
    root: Owner,
    /// The scope of the island being hydrated right now.
    open: Option<Owner>,
    /// Every hydrated island's scope, with its element.
    islands: Vec<(Owner, web_sys::Element)>,
}

thread_local! {
    static REGISTRY: RefCell<Option<Registry>> = const { RefCell::new(None) };
}

/// Remembers the current owner as the root every island scope hangs off. Called once, from
/// `hydrate`, right after `hydrate_islands`.
pub fn init() {
    if let Some(root) = Owner::current() {
        REGISTRY.with_borrow_mut(|r| {
            *r = Some(Registry {
                root,
                open: None,
                islands: Vec::new(),
            })
        });
    }
}

/// Opens a scope for the island about to be hydrated.
#[wasm_bindgen]
pub fn island_enter() {
    REGISTRY.with_borrow_mut(|r| {
        if let Some(r) = r {
            let scope = r.root.child();
            scope.set();
            r.open = Some(scope);
        }
    });
}

/// Closes the scope of the island just hydrated in `el`.
#[wasm_bindgen]
pub fn island_leave(el: web_sys::HtmlElement) {
    REGISTRY.with_borrow_mut(|r| {
        if let Some(r) = r {
            r.root.set();
            if let Some(scope) = r.open.take() {
                r.islands.push((scope, el.into()));
            }
        }
    });
}

/// The document is another page now: called after the morph, before its new islands are
/// hydrated.
#[wasm_bindgen]
pub fn page_changed() {
    let gone: Vec<Owner> = REGISTRY.with_borrow_mut(|r| {
        let Some(r) = r else { return Vec::new() };
        let (kept, gone) = std::mem::take(&mut r.islands)
            .into_iter()
            .partition(|(_, el)| el.is_connected());
        r.islands = kept;
        gone.into_iter().map(|(scope, _)| scope).collect()
    });
    for scope in gone {
        // Paused first: the view state Leptos leaks keeps its render effects and memos, and a
        // paused one never runs again, whatever it still hears.
        scope.pause();
        scope.cleanup();
    }
}
