//! Brief content: Markdown files with a TOML front-matter header, parsed, rendered and
//! sanitised here, then handed to the store in one transaction.

pub mod brief_file;
pub mod import;
pub mod markdown;

pub use brief_file::{ContentError, ParsedBrief, compose, parse_brief};
pub use import::{ImportError, ImportReport, import_dir, load_dir};
