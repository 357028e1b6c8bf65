//! One brief file: `+++`-fenced TOML front matter, then the five sections as `## ` headings.
//! Every error carries the file, the line and the reason. The format is documented in README.md.

use std::collections::BTreeSet;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::desk::BriefFields;
use crate::model::{SiteInfo, validate_slug};
use crate::server::content::markdown::{linked_brief_slugs, render, render_inline, word_count};

/// A brief ready to be stored: validated, rendered and sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBrief {
    pub slug: String,
    pub title: String,
    pub category: String,
    pub tags: Vec<String>,
    pub published_at: String,
    pub summary: String,
    pub source_name: String,
    pub source_url: String,
    pub updates: Vec<(String, String)>,
    pub reading_minutes: u32,
    pub what_happened_html: String,
    pub take_html: String,
    pub what_to_do_html: String,
    pub who_html: String,
    pub what_changes_html: String,
    pub when_html: String,
    pub watch_for_html: String,
    pub skeptics_html: String,
    /// Slugs of the other briefs this one links to.
    pub links: BTreeSet<String>,
    /// Fingerprint of the file's text, to tell unchanged files on re-import.
    pub content_hash: String,
    /// The brief as the desk's editor form holds it, to reopen it there.
    pub fields: BriefFields,
}

/// Why a file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct ContentError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    title: String,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    published_at: toml::value::Datetime,
    summary: String,
    source: Source,
    #[serde(default)]
    updates: Vec<Update>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    name: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    at: toml::value::Datetime,
    note: String,
}

const FENCE: &str = "+++";
const WORDS_PER_MINUTE: usize = 200;

/// The sections, in the order a brief shows them, with the headings a file uses.
const SECTIONS: [&str; 5] = [
    "What Happened",
    "Take",
    "What To Do",
    "Builder's Brief",
    "What Skeptics Say",
];
const BUILDER_FIELDS: [&str; 4] = ["Who", "What changes", "When", "Watch for"];

struct Section<'a> {
    heading_line: usize,
    lines: Vec<&'a str>,
}

/// Parses one brief file. `file` names it in errors.
pub fn parse_brief(file: &str, text: &str, site: &SiteInfo) -> Result<ParsedBrief, ContentError> {
    let err = |line: usize, reason: String| ContentError {
        file: file.to_string(),
        line,
        reason,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();

    if lines.first().map(|l| l.trim_end()) != Some(FENCE) {
        return Err(err(
            1,
            format!("a brief must start with a `{FENCE}` line opening its front matter"),
        ));
    }
    let close = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == FENCE)
        .map(|i| i + 1)
        .ok_or_else(|| {
            err(
                1,
                format!("the front matter is never closed by a second `{FENCE}` line"),
            )
        })?;
    let header_text = lines[1..close].join("\n");
    let header: FrontMatter = toml::from_str(&header_text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            header_text[..s.start.min(header_text.len())]
                .matches('\n')
                .count()
        });
        err(line + 2, format!("front matter: {}", e.message()))
    })?;
    let line_of = |key: &str| {
        lines[1..close]
            .iter()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(1, |i| i + 2)
    };

    // Front-matter fields.
    validate_slug(&header.slug).map_err(|e| err(line_of("slug"), format!("slug: {e}")))?;
    let title =
        required(&header.title, 160).map_err(|r| err(line_of("title"), format!("title: {r}")))?;
    let summary = required(&header.summary, 300)
        .map_err(|r| err(line_of("summary"), format!("summary: {r}")))?;
    if site.category(&header.category).is_none() {
        let known: Vec<_> = site.categories.iter().map(|c| c.slug.as_str()).collect();
        return Err(err(
            line_of("category"),
            format!(
                "category: `{}` is not one of the configured categories ({})",
                header.category,
                known.join(", ")
            ),
        ));
    }
    let mut tags = Vec::new();
    for tag in &header.tags {
        validate_slug(tag).map_err(|e| err(line_of("tags"), format!("tag `{tag}`: {e}")))?;
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    let published_at = timestamp(&header.published_at)
        .map_err(|r| err(line_of("published_at"), format!("published_at: {r}")))?;
    let source_name = required(&header.source.name, 120)
        .map_err(|r| err(line_of("name"), format!("source.name: {r}")))?;
    let source_url = header.source.url.trim().to_string();
    if !(source_url.starts_with("https://") || source_url.starts_with("http://"))
        || source_url.contains(char::is_whitespace)
    {
        return Err(err(
            line_of("url"),
            "source.url: must be an absolute http(s) URL".to_string(),
        ));
    }
    let mut updates = Vec::new();
    for update in &header.updates {
        let at =
            timestamp(&update.at).map_err(|r| err(line_of("at"), format!("updates.at: {r}")))?;
        let note = required(&update.note, 300)
            .map_err(|r| err(line_of("note"), format!("updates.note: {r}")))?;
        updates.push((at, note));
    }
    updates.sort();

    // Body sections.
    let mut sections: Vec<Option<Section<'_>>> = (0..SECTIONS.len()).map(|_| None).collect();
    let mut current: Option<usize> = None;
    let mut in_fence = false;
    for (i, line) in lines.iter().enumerate().skip(close + 1) {
        let line_no = i + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(heading) = line.strip_prefix("## ") {
            let name = heading.trim().replace('’', "'");
            let index = SECTIONS
                .iter()
                .position(|s| s.eq_ignore_ascii_case(&name))
                .ok_or_else(|| {
                    err(
                        line_no,
                        format!(
                            "unknown section `## {}`; the sections are: {}",
                            heading.trim(),
                            SECTIONS.join(", ")
                        ),
                    )
                })?;
            if sections[index].is_some() {
                return Err(err(
                    line_no,
                    format!("section `## {}` appears twice", SECTIONS[index]),
                ));
            }
            sections[index] = Some(Section {
                heading_line: line_no,
                lines: Vec::new(),
            });
            current = Some(index);
            continue;
        }
        match current.and_then(|c| sections[c].as_mut()) {
            Some(section) => section.lines.push(line),
            None if line.trim().is_empty() => {}
            None => {
                return Err(err(
                    line_no,
                    "text before the first section heading (`## What Happened`)".to_string(),
                ));
            }
        }
    }
    let last_line = lines.len().max(1);
    let mut bodies = Vec::with_capacity(SECTIONS.len());
    for (name, section) in SECTIONS.iter().zip(sections) {
        let section =
            section.ok_or_else(|| err(last_line, format!("missing section `## {name}`")))?;
        // Kept untrimmed so that line k of a body is line `heading_line + k` of the file.
        let body = section.lines.join("\n");
        if body.trim().is_empty() {
            return Err(err(
                section.heading_line,
                format!("section `## {name}` is empty"),
            ));
        }
        bodies.push((section.heading_line, body));
    }

    let [what_happened, take, what_to_do, builder, skeptics] =
        <[(usize, String); 5]>::try_from(bodies)
            .map_err(|_| err(last_line, "internal: section count".to_string()))?;
    let builder_fields =
        parse_builder(&builder.1).map_err(|(offset, reason)| err(builder.0 + offset, reason))?;

    let all_markdown = [
        &what_happened.1,
        &take.1,
        &what_to_do.1,
        &builder.1,
        &skeptics.1,
    ];
    let words = word_count(&title)
        + word_count(&summary)
        + all_markdown.iter().map(|m| word_count(m)).sum::<usize>();
    let mut links: BTreeSet<String> = all_markdown
        .iter()
        .flat_map(|m| linked_brief_slugs(m, &site.base_url))
        .collect();
    links.remove(&header.slug);

    let [who, what_changes, when, watch_for] = builder_fields;
    let fields = BriefFields {
        slug: header.slug.clone(),
        title: title.clone(),
        category: header.category.clone(),
        tags: tags.join(", "),
        summary: summary.clone(),
        source_name: source_name.clone(),
        source_url: source_url.clone(),
        what_happened: what_happened.1.trim().to_string(),
        take: take.1.trim().to_string(),
        what_to_do: what_to_do.1.trim().to_string(),
        who: who.clone(),
        what_changes: what_changes.clone(),
        when: when.clone(),
        watch_for: watch_for.clone(),
        skeptics: skeptics.1.trim().to_string(),
    };
    Ok(ParsedBrief {
        slug: header.slug,
        title,
        category: header.category,
        tags,
        published_at,
        summary,
        source_name,
        source_url,
        updates,
        reading_minutes: u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX),
        what_happened_html: render(&what_happened.1),
        take_html: render(&take.1),
        what_to_do_html: render(&what_to_do.1),
        who_html: render_inline(&who),
        what_changes_html: render_inline(&what_changes),
        when_html: render_inline(&when),
        watch_for_html: render_inline(&watch_for),
        skeptics_html: render(&skeptics.1),
        links,
        content_hash: fingerprint(text),
        fields,
    })
}

/// The brief file an editor's form stands for, published at `published_at` (RFC 3339) with
/// these correction notes: the desk checks, renders and stores a brief by composing this and
/// parsing it with [`parse_brief`], so nothing differs from an import. Strings are written as
/// TOML strings (any quote or backslash survives); the Builder's Brief fields are one line
/// each, as the file format has them.
pub fn compose(
    fields: &BriefFields,
    published_at: &str,
    updates: &[(String, String)],
) -> Result<String, ContentError> {
    let err = |reason: String| ContentError {
        file: "the form".to_string(),
        line: 0,
        reason,
    };
    let datetime = |value: &str, key: &str| {
        value
            .parse::<toml::value::Datetime>()
            .map(toml::Value::Datetime)
            .map_err(|_| err(format!("{key}: not a date and time: {value}")))
    };
    let text = |value: &str| toml::Value::String(value.trim().to_string());
    let mut header = toml::Table::new();
    header.insert("slug".into(), text(&fields.slug));
    header.insert("title".into(), text(&fields.title));
    header.insert("category".into(), text(&fields.category));
    let tags = fields
        .tags
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(text)
        .collect();
    header.insert("tags".into(), toml::Value::Array(tags));
    header.insert(
        "published_at".into(),
        datetime(published_at, "published_at")?,
    );
    header.insert("summary".into(), text(&fields.summary));
    let mut source = toml::Table::new();
    source.insert("name".into(), text(&fields.source_name));
    source.insert("url".into(), text(&fields.source_url));
    header.insert("source".into(), toml::Value::Table(source));
    let mut notes = Vec::with_capacity(updates.len());
    for (at, note) in updates {
        let mut update = toml::Table::new();
        update.insert("at".into(), datetime(at, "updates.at")?);
        update.insert("note".into(), text(note));
        notes.push(toml::Value::Table(update));
    }
    if !notes.is_empty() {
        header.insert("updates".into(), toml::Value::Array(notes));
    }
    let front = toml::to_string(&header).map_err(|e| err(e.to_string()))?;
    // Builder fields are single lines in the file; line breaks typed in the form become spaces.
    let line = |value: &str| value.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(format!(
        "{FENCE}\n{front}{FENCE}\n\n## What Happened\n{}\n\n## Take\n{}\n\n## What To Do\n{}\n\n\
         ## Builder's Brief\n- **Who:** {}\n- **What changes:** {}\n- **When:** {}\n- **Watch for:** {}\n\n\
         ## What Skeptics Say\n{}\n",
        fields.what_happened.trim_end(),
        fields.take.trim_end(),
        fields.what_to_do.trim_end(),
        line(&fields.who),
        line(&fields.what_changes),
        line(&fields.when),
        line(&fields.watch_for),
        fields.skeptics.trim_end(),
    ))
}

/// Trims `value` and checks it is present, not too long and free of control characters.
fn required(value: &str, max_chars: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err("must not be empty".into())
    } else if value.chars().any(char::is_control) {
        Err("must be one line without control characters".into())
    } else if value.chars().count() > max_chars {
        Err(format!("must be at most {max_chars} characters"))
    } else {
        Ok(value.to_string())
    }
}

/// A TOML offset date-time, normalised to RFC 3339 in UTC (so stored values sort as text).
fn timestamp(value: &toml::value::Datetime) -> Result<String, String> {
    let parsed = OffsetDateTime::parse(&value.to_string(), &Rfc3339).map_err(|_| {
        "must be a full date and time with an offset, e.g. 2026-11-20T09:00:00Z".to_string()
    })?;
    parsed
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| e.to_string())
}

/// The Builder's Brief: one `Label: text` line per field (list markers and bold allowed),
/// continuation lines indented. Errors carry the offset of the line within the section.
fn parse_builder(body: &str) -> Result<[String; 4], (usize, String)> {
    let mut fields: [Option<String>; 4] = Default::default();
    let mut current: Option<usize> = None;
    for (offset, raw) in body.lines().enumerate() {
        let offset = offset + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let line = raw
            .trim()
            .trim_start_matches(['-', '*'])
            .trim()
            .replace("**", "");
        let labelled = line.split_once(':').and_then(|(label, rest)| {
            BUILDER_FIELDS
                .iter()
                .position(|f| f.eq_ignore_ascii_case(label.trim()))
                .map(|i| (i, rest.trim().to_string()))
        });
        match labelled {
            Some((index, text)) => {
                if fields[index].is_some() {
                    return Err((
                        offset,
                        format!(
                            "Builder's Brief: `{}` is given twice",
                            BUILDER_FIELDS[index]
                        ),
                    ));
                }
                fields[index] = Some(text);
                current = Some(index);
            }
            None if raw.starts_with([' ', '\t']) && current.is_some() => {
                if let Some(field) = current.and_then(|c| fields[c].as_mut()) {
                    field.push(' ');
                    field.push_str(line.trim());
                }
            }
            None => {
                return Err((
                    offset,
                    format!(
                        "Builder's Brief: expected a line starting with one of {}",
                        BUILDER_FIELDS.map(|f| format!("`{f}:`")).join(", ")
                    ),
                ));
            }
        }
    }
    let mut out: [String; 4] = Default::default();
    for (i, field) in fields.into_iter().enumerate() {
        match field {
            Some(text) if !text.is_empty() => out[i] = text,
            _ => {
                return Err((
                    0,
                    format!(
                        "Builder's Brief: `{}:` is missing or empty",
                        BUILDER_FIELDS[i]
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// FNV-1a over the file's bytes: stable across builds, which is all a change marker needs.
fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn site() -> SiteInfo {
        SiteInfo {
            name: "Pulse".into(),
            house_name: "Pulse".into(),
            tagline: "t".into(),
            base_url: "https://pulse.test".into(),
            reactions: Vec::new(),
            comment_max_body_chars: 5000,
            comment_max_name_chars: 60,
            comment_edit_seconds: 900,
            categories: vec![Category {
                slug: "tools".into(),
                name: "Tools".into(),
            }],
        }
    }

    const GOOD: &str = r#"+++
slug = "a-brief"
title = "A brief"
category = "tools"
tags = ["agents", "agents"]
published_at = 2026-11-20T10:00:00+01:00
summary = "One line."

[source]
name = "The Source"
url = "https://source.test/story"

[[updates]]
at = 2026-11-21T08:00:00Z
note = "Fixed a number."
+++

## What Happened

Something happened, see [the other one](/pulse/other-brief).

## Take

We think <b>so</b>.

## What To Do

Do it.

## Builder's Brief

- **Who:** Teams
- **What changes:** Everything
  and more
- **When:** Now
- **Watch for:** [Signals](https://pulse.test/pulse/third-brief)

## What Skeptics Say

Not so fast, says [this one](/pulse/a-brief).
"#;

    fn form() -> BriefFields {
        BriefFields {
            slug: "a-brief".into(),
            title: "A brief".into(),
            category: "tools".into(),
            tags: "agents, , agents".into(),
            summary: "One line.".into(),
            source_name: "The Source".into(),
            source_url: "https://source.test/story".into(),
            what_happened: "Something happened, see [the other one](/pulse/other-brief).\n".into(),
            take: "We think <b>so</b>.".into(),
            what_to_do: "Do it.".into(),
            who: "Teams".into(),
            what_changes: "Everything\n  and more".into(),
            when: "Now".into(),
            watch_for: "[Signals](https://pulse.test/pulse/third-brief)".into(),
            skeptics: "Not so fast, says [this one](/pulse/a-brief).".into(),
        }
    }

    #[test]
    fn a_form_composes_into_the_brief_its_file_would_be() {
        let updates = [(
            "2026-11-21T08:00:00Z".to_string(),
            "Fixed a number.".to_string(),
        )];
        let text = compose(&form(), "2026-11-20T10:00:00+01:00", &updates).expect("composes");
        let from_form = parse_brief("form", &text, &site()).expect("valid");
        let from_file = parse_brief("good.md", GOOD, &site()).expect("valid");
        let same = |b: &ParsedBrief| {
            (
                b.slug.clone(),
                b.title.clone(),
                b.tags.clone(),
                b.published_at.clone(),
                b.updates.clone(),
                b.what_happened_html.clone(),
                b.take_html.clone(),
                b.what_changes_html.clone(),
                b.skeptics_html.clone(),
                b.links.clone(),
            )
        };
        assert_eq!(same(&from_form), same(&from_file));
        // A file reopened in the editor (its `fields`) composes back into the same brief.
        let reopened = compose(
            &from_file.fields,
            &from_file.published_at,
            &from_file.updates,
        )
        .expect("composes");
        let reopened = parse_brief("reopened", &reopened, &site()).expect("valid");
        assert_eq!(same(&reopened), same(&from_file));
        assert_eq!(reopened.fields, from_file.fields);
        assert_eq!(from_file.fields.tags, "agents");

        // Quotes, backslashes and TOML syntax in a field are only text.
        let mut tricky = form();
        tricky.title = r#"Say "hi" \ [source] = 1"#.into();
        let text = compose(&tricky, "2026-11-20T09:00:00Z", &[]).expect("composes");
        let parsed = parse_brief("form", &text, &site()).expect("valid");
        assert_eq!(parsed.title, r#"Say "hi" \ [source] = 1"#);

        // A line break or control character in a title is refused with the field named.
        for title in ["Two\nlines", "Bell\u{7}"] {
            let mut bad = form();
            bad.title = title.into();
            let text = compose(&bad, "2026-11-20T09:00:00Z", &[]).expect("composes");
            let error = parse_brief("form", &text, &site()).expect_err("refused");
            assert!(error.reason.starts_with("title:"), "{error}");
        }
        assert!(compose(&form(), "tomorrow", &[]).is_err());
    }

    #[test]
    fn parses_a_good_file() {
        let b = parse_brief("good.md", GOOD, &site()).expect("valid brief");
        assert_eq!(b.slug, "a-brief");
        assert_eq!(b.published_at, "2026-11-20T09:00:00Z");
        assert_eq!(b.tags, ["agents"]);
        assert_eq!(
            b.updates,
            [(
                "2026-11-21T08:00:00Z".to_string(),
                "Fixed a number.".to_string()
            )]
        );
        assert_eq!(b.what_changes_html, "Everything and more");
        assert!(
            b.take_html.contains("&lt;b&gt;so&lt;/b&gt;"),
            "{}",
            b.take_html
        );
        assert_eq!(
            b.links.iter().collect::<Vec<_>>(),
            ["other-brief", "third-brief"],
            "self-links are dropped"
        );
        assert_eq!(b.reading_minutes, 1);
    }

    fn error_for(text: &str) -> ContentError {
        parse_brief("bad.md", text, &site()).expect_err("should be rejected")
    }

    #[test]
    fn front_matter_errors_have_lines() {
        let e = error_for("no front matter");
        assert_eq!((e.line, e.file.as_str()), (1, "bad.md"));
        let e = error_for(&GOOD.replace("title = \"A brief\"", "title = A brief"));
        assert_eq!(e.line, 3, "{e}");
        let e = error_for(&GOOD.replace("category = \"tools\"", "category = \"gossip\""));
        assert_eq!(e.line, 4, "{e}");
        assert!(e.reason.contains("gossip"), "{e}");
        let e = error_for(&GOOD.replace("slug = \"a-brief\"", "slug = \"A Brief\""));
        assert_eq!(e.line, 2, "{e}");
        let e = error_for(&GOOD.replace(
            "summary = \"One line.\"",
            "summary = \"One line.\"\nauthor = \"x\"",
        ));
        assert!(e.reason.contains("author"), "{e}");
        let e = error_for(&GOOD.replace(
            "published_at = 2026-11-20T10:00:00+01:00",
            "published_at = 2026-11-20",
        ));
        assert_eq!(e.line, 6, "{e}");
    }

    #[test]
    fn section_errors_have_lines() {
        let e = error_for(&GOOD.replace("## Take", "## Opinion"));
        assert_eq!(e.line, 22, "{e}");
        let e = error_for(&GOOD.replace("## What To Do\n\nDo it.\n", ""));
        assert!(e.reason.contains("missing section `## What To Do`"), "{e}");
        let e = error_for(&GOOD.replace("- **When:** Now\n", ""));
        assert!(e.reason.contains("`When:`"), "{e}");
        let e = error_for(&GOOD.replace("- **When:** Now", "- Sometime soon"));
        assert_eq!(e.line, 35, "{e}");
        let e = error_for(&GOOD.replace("+++\n\n## What Happened", "+++\nstray\n## What Happened"));
        assert_eq!(e.line, 17, "{e}");
    }
}
