//! The reader's colour theme: light, dark, or whatever their system prefers.
//!
//! The choice lives in a cookie so the server renders `<html data-theme=…>` correctly on the
//! first byte: no flash of the wrong theme, with or without JavaScript.

use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};

/// Cookie that remembers the reader's choice.
pub const THEME_COOKIE: &str = "pulse_theme";
/// Attribute on `<html>` that the stylesheet keys on.
pub const THEME_ATTRIBUTE: &str = "data-theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Auto",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    pub fn parse(value: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// The theme of the page being rendered (from the reader's cookie).
pub fn use_theme() -> Theme {
    use_context::<Theme>().unwrap_or_default()
}
