//! Loading a directory of brief files and storing them. All files are parsed and checked
//! before anything is written; then every brief is upserted by slug in one transaction, so a
//! bad file leaves the database exactly as it was.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::SiteInfo;
use crate::server::content::{ContentError, ParsedBrief, parse_brief};
use crate::server::repo::Store;

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} new, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("no brief files (*.md) found under {0}")]
    Empty(String),
    #[error("{} file problem(s); nothing was imported:\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ContentError>),
    #[error("the database refused the import: {0}")]
    Store(#[from] sqlx::Error),
}

/// Reads and checks every `*.md` file under `dir` (recursively, in name order).
pub fn load_dir(dir: &Path, site: &SiteInfo) -> Result<Vec<ParsedBrief>, ImportError> {
    let mut files = Vec::new();
    collect_markdown(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(ImportError::Empty(dir.display().to_string()));
    }
    let mut briefs: Vec<(String, ParsedBrief)> = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| ImportError::Io {
            path: label.clone(),
            source,
        })?;
        match parse_brief(&label, &text, site) {
            Ok(brief) => match briefs.iter().find(|(_, b)| b.slug == brief.slug) {
                Some((other, _)) => problems.push(ContentError {
                    file: label,
                    line: 2,
                    reason: format!("slug `{}` is already used by {other}", brief.slug),
                }),
                None => briefs.push((label, brief)),
            },
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(briefs.into_iter().map(|(_, b)| b).collect())
    } else {
        Err(ImportError::Invalid(problems))
    }
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads `dir` and upserts every brief in it.
pub async fn import_dir(
    store: &Store,
    dir: &Path,
    site: &SiteInfo,
) -> Result<ImportReport, ImportError> {
    let briefs = load_dir(dir, site)?;
    Ok(store.upsert_briefs(&briefs).await?)
}
