//! Following Pulse from outside the site: Atom feeds (every brief, one per category, one per
//! tag, the digest archive, and each brief's own two: its comments and its corrections), a
//! JSON Feed, the sitemap and robots.txt. Each brief entry carries the summary and the house
//! Take with the brief's canonical address. Text is XML-escaped once, here; the Take and
//! comments are sanitised HTML already and travel escaped inside `<content>`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::validate_slug;
use crate::server::mail::compose::html_escape;
use crate::server::repo::{CommentEntry, FeedEntry, StoryHead, UpdateEntry, stamp};
use crate::server::state::AppState;

/// Entries per feed: about a month of briefs.
pub const FEED_ENTRIES: u32 = 50;
const ATOM: &str = "application/atom+xml; charset=utf-8";
const JSON_FEED: &str = "application/feed+json; charset=utf-8";
/// Readers poll; five minutes of caching costs a new brief at most that much delay.
const CACHE: &str = "public, max-age=300";

fn base(state: &AppState) -> &str {
    state.config.site.base_url.trim_end_matches('/')
}

fn answer(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such feed.").into_response()
}

fn failed(_: AppError) -> Response {
    // The cause was logged where it happened.
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "The feed is unavailable.",
    )
        .into_response()
}

/// The summary, then the Take under the house's name: the HTML an entry's content carries.
fn entry_html(state: &AppState, entry: &FeedEntry) -> String {
    format!(
        "<p>{}</p><h2>{}'s Take</h2>{}",
        html_escape(&entry.summary),
        html_escape(&state.config.site.house_name),
        entry.take_html
    )
}

/// The opening of an Atom document up to its first entry: `title`, its own address `path`,
/// the page it mirrors, and when it last changed (`None`: now).
fn atom_head(
    state: &AppState,
    title: &str,
    path: &str,
    page: &str,
    updated: Option<&str>,
) -> String {
    let base = base(state);
    let updated = updated.map_or_else(|| stamp(OffsetDateTime::now_utc()), str::to_string);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{}</title>\n<subtitle>{}</subtitle>\n<id>{base}{path}</id>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}{path}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}{page}\"/>\n\
         <updated>{updated}</updated>\n<author><name>{}</name></author>\n",
        html_escape(title),
        html_escape(&state.config.site.tagline),
        html_escape(&state.config.site.name),
    )
}

/// An Atom document of briefs: `title`, its own address `path`, the page it mirrors, and
/// entries.
fn atom(state: &AppState, title: &str, path: &str, page: &str, entries: &[FeedEntry]) -> String {
    let base = base(state);
    let updated = entries.iter().map(|e| e.updated_at.as_str()).max();
    let mut xml = atom_head(state, title, path, page, updated);
    for entry in entries {
        let url = format!("{base}/pulse/{}", entry.slug);
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{url}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <published>{}</published>\n<updated>{}</updated>\n\
             <category term=\"{}\" label=\"{}\"/>\n",
            html_escape(&entry.title),
            entry.published_at,
            entry.updated_at,
            html_escape(&entry.category.slug),
            html_escape(&entry.category.name),
        ));
        for tag in &entry.tags {
            xml.push_str(&format!(
                "<category term=\"{}\" scheme=\"{base}/tag/\"/>\n",
                html_escape(tag)
            ));
        }
        xml.push_str(&format!(
            "<summary>{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
            html_escape(&entry.summary),
            html_escape(&entry_html(state, entry)),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// `/feed.xml`: every brief.
pub async fn all_briefs(State(state): State<AppState>) -> Response {
    match state.store.feed_entries(None, None, FEED_ENTRIES).await {
        Ok(entries) => {
            let title = format!("{} — all briefs", state.config.site.name);
            answer(ATOM, atom(&state, &title, "/feed.xml", "/", &entries))
        }
        Err(error) => failed(error),
    }
}

/// `/category/{category}/feed.xml`: one category's briefs.
pub async fn category_briefs(
    State(state): State<AppState>,
    Path(category): Path<String>,
) -> Response {
    let Some(found) = state.config.site.category(&category).cloned() else {
        return not_found();
    };
    match state
        .store
        .feed_entries(Some(&found.slug), None, FEED_ENTRIES)
        .await
    {
        Ok(entries) => {
            let title = format!("{} — {}", state.config.site.name, found.name);
            let path = format!("/category/{}/feed.xml", found.slug);
            let page = format!("/category/{}", found.slug);
            answer(ATOM, atom(&state, &title, &path, &page, &entries))
        }
        Err(error) => failed(error),
    }
}

/// `/tag/{tag}/feed.xml`: one tag's briefs (404 for a tag no published brief carries).
pub async fn tag_briefs(State(state): State<AppState>, Path(tag): Path<String>) -> Response {
    if validate_slug(&tag).is_err() {
        return not_found();
    }
    match state.store.tag_in_use(&tag).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => return failed(error),
    }
    match state
        .store
        .feed_entries(None, Some(&tag), FEED_ENTRIES)
        .await
    {
        Ok(entries) => {
            let title = format!("{} — tagged {tag}", state.config.site.name);
            let path = format!("/tag/{tag}/feed.xml");
            let page = format!("/tag/{tag}");
            answer(ATOM, atom(&state, &title, &path, &page, &entries))
        }
        Err(error) => failed(error),
    }
}

/// `/feed.json`: every brief, as a JSON Feed 1.1.
pub async fn json_feed(State(state): State<AppState>) -> Response {
    let entries = match state.store.feed_entries(None, None, FEED_ENTRIES).await {
        Ok(entries) => entries,
        Err(error) => return failed(error),
    };
    let base = base(&state);
    let site = &state.config.site;
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let url = format!("{base}/pulse/{}", e.slug);
            let mut tags = vec![e.category.name.clone()];
            tags.extend(e.tags.iter().cloned());
            serde_json::json!({
                "id": url,
                "url": url,
                "title": e.title,
                "summary": e.summary,
                "content_html": entry_html(&state, e),
                "date_published": e.published_at,
                "date_modified": e.updated_at,
                "tags": tags,
            })
        })
        .collect();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": format!("{} — all briefs", site.name),
        "description": site.tagline,
        "home_page_url": format!("{base}/"),
        "feed_url": format!("{base}/feed.json"),
        "language": "en",
        "authors": [{ "name": site.name }],
        "items": items,
    });
    answer(JSON_FEED, feed.to_string())
}

/// `/digest/feed.xml`: the digest archive, an entry per issue.
pub async fn digest_issues(State(state): State<AppState>) -> Response {
    let issues = match state.store.list_digests().await {
        Ok(issues) => issues,
        Err(error) => return failed(error),
    };
    let base = base(&state);
    let title = format!("{} — weekly digest", state.config.site.name);
    let updated = issues.first().map(|i| i.created_at.as_str());
    let mut xml = atom_head(&state, &title, "/digest/feed.xml", "/digest", updated);
    for issue in issues.iter().take(FEED_ENTRIES as usize) {
        let url = format!("{base}/digest/{}", issue.slug);
        let count = match issue.brief_count {
            1 => "1 brief".to_string(),
            n => format!("{n} briefs"),
        };
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{url}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <published>{at}</published>\n<updated>{at}</updated>\n\
             <summary>{count} from the week.</summary>\n</entry>\n",
            html_escape(&issue.title),
            at = issue.created_at,
        ));
    }
    xml.push_str("</feed>\n");
    answer(ATOM, xml)
}

/// The published brief a brief's own feed is about: `Err` answers for a malformed slug or a
/// brief nobody may read.
async fn story(state: &AppState, slug: &str) -> Result<StoryHead, Response> {
    if validate_slug(slug).is_err() {
        return Err(not_found());
    }
    match state.store.story_head(slug).await {
        Ok(Some(head)) => Ok(head),
        Ok(None) => Err(not_found()),
        Err(error) => Err(failed(error)),
    }
}

/// `/pulse/{slug}/comments.xml`: the brief's comments everyone may read, newest first; an
/// edited one shows its new words and a new `updated`, a removed one leaves the feed.
pub async fn brief_comments(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let head = match story(&state, &slug).await {
        Ok(head) => head,
        Err(answer) => return answer,
    };
    let comments = match state
        .store
        .comment_entries(head.brief_id, FEED_ENTRIES)
        .await
    {
        Ok(comments) => comments,
        Err(error) => return failed(error),
    };
    let title = format!("Comments on “{}” — {}", head.title, state.config.site.name);
    let path = format!("/pulse/{slug}/comments.xml");
    let page = format!("/pulse/{slug}#comments");
    let updated = comments.iter().map(comment_updated).max();
    let updated = updated.or(Some(head.published_at.as_str()));
    let mut xml = atom_head(&state, &title, &path, &page, updated);
    for comment in &comments {
        xml.push_str(&comment_entry(&state, &slug, comment));
    }
    xml.push_str("</feed>\n");
    answer(ATOM, xml)
}

/// When a comment last changed: its edit, else its writing.
fn comment_updated(comment: &CommentEntry) -> &str {
    comment.edited_at.as_deref().unwrap_or(&comment.created_at)
}

/// One comment as an Atom entry: the author's name as text, the stored (sanitised) HTML as
/// content, and the address that opens the page of the thread holding it.
fn comment_entry(state: &AppState, slug: &str, comment: &CommentEntry) -> String {
    let base = base(state);
    let id = comment.id;
    let url = format!("{base}/pulse/{slug}?comment={id}#comment-{id}");
    let name = html_escape(&comment.author_name);
    format!(
        "<entry>\n<title>Comment by {name}</title>\n<id>{base}/pulse/{slug}#comment-{id}</id>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n\
         <author><name>{name}</name></author>\n\
         <published>{}</published>\n<updated>{}</updated>\n\
         <content type=\"html\">{}</content>\n</entry>\n",
        html_escape(&url),
        comment.created_at,
        comment_updated(comment),
        html_escape(&comment.body_html),
    )
}

/// `/pulse/{slug}/updates.xml`: the brief's own story, so a feed reader can follow it: each
/// correction an editor published (newest first), then the brief's publication.
pub async fn brief_updates(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let head = match story(&state, &slug).await {
        Ok(head) => head,
        Err(answer) => return answer,
    };
    let updates = match state.store.update_entries(head.brief_id).await {
        Ok(updates) => updates,
        Err(error) => return failed(error),
    };
    let base = base(&state);
    let title = format!("Updates to “{}” — {}", head.title, state.config.site.name);
    let path = format!("/pulse/{slug}/updates.xml");
    let page = format!("/pulse/{slug}");
    let url = html_escape(&format!("{base}{page}"));
    // A note older than the brief (an imported file's) never dates the feed before it.
    let updated = updates
        .iter()
        .map(|u| u.noted_at.as_str())
        .chain([head.published_at.as_str()])
        .max();
    let mut xml = atom_head(&state, &title, &path, &page, updated);
    for update in &updates {
        xml.push_str(&update_entry(&url, &head, update));
    }
    xml.push_str(&format!(
        "<entry>\n<title>Published: {}</title>\n<id>{url}#published</id>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <published>{at}</published>\n<updated>{at}</updated>\n\
         <summary>{}</summary>\n</entry>\n",
        html_escape(&head.title),
        html_escape(&head.summary),
        at = head.published_at,
    ));
    xml.push_str("</feed>\n");
    answer(ATOM, xml)
}

/// One correction note as an Atom entry, at the brief's address (`url`, escaped already).
fn update_entry(url: &str, head: &StoryHead, update: &UpdateEntry) -> String {
    format!(
        "<entry>\n<title>Updated: {}</title>\n<id>{url}#update-{}</id>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <published>{at}</published>\n<updated>{at}</updated>\n\
         <summary>{}</summary>\n</entry>\n",
        html_escape(&head.title),
        update.position,
        html_escape(&update.note),
        at = update.noted_at,
    )
}

/// `/sitemap.xml`: the front page, every category, the digest archive and its issues, and
/// every published brief (never a draft or an unpublished one).
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let (briefs, issues) = match (
        state.store.sitemap_briefs().await,
        state.store.list_digests().await,
    ) {
        (Ok(briefs), Ok(issues)) => (briefs, issues),
        (Err(error), _) | (_, Err(error)) => return failed(error),
    };
    let base = base(&state);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<&str>| {
        xml.push_str(&format!("<url><loc>{base}{}</loc>", html_escape(path)));
        if let Some(at) = lastmod {
            xml.push_str(&format!("<lastmod>{at}</lastmod>"));
        }
        xml.push_str("</url>\n");
    };
    url("/", briefs.first().map(|(_, at)| at.as_str()));
    for category in &state.config.site.categories {
        url(&format!("/category/{}", category.slug), None);
    }
    url("/digest", issues.first().map(|i| i.created_at.as_str()));
    for issue in &issues {
        url(&format!("/digest/{}", issue.slug), Some(&issue.created_at));
    }
    for (slug, updated) in &briefs {
        url(&format!("/pulse/{slug}"), Some(updated));
    }
    xml.push_str("</urlset>\n");
    answer("application/xml; charset=utf-8", xml)
}

/// `/robots.txt`: everything public may be crawled; the desk and the API may not.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /desk\nDisallow: /api/\nDisallow: /live\n\nSitemap: {}/sitemap.xml\n",
        base(&state)
    );
    answer("text/plain; charset=utf-8", body)
}
