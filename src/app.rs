//! The HTML shell and the route table — nothing else lives here.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::brief_page::BriefPage;
use crate::components::confirm_page::ConfirmPage;
use crate::components::desk::account_page::AccountPage;
use crate::components::desk::audit_page::AuditPage;
use crate::components::desk::brief_edit_page::BriefEditPage;
use crate::components::desk::desk_page::DeskPage;
use crate::components::desk::draft_page::DraftPage;
use crate::components::desk::editors_page::EditorsPage;
use crate::components::desk::login_page::LoginPage;
use crate::components::desk::moderation_page::ModerationPage;
use crate::components::digest_archive_page::DigestArchivePage;
use crate::components::digest_issue_page::DigestIssuePage;
use crate::components::feed_page::FeedPage;
use crate::components::layout::Layout;
use crate::components::my_data_page::MyDataPage;
use crate::components::newsletter_page::NewsletterPage;
use crate::components::not_found::NotFound;
use crate::components::search_page::SearchPage;
use crate::components::subscriber_data_page::SubscriberDataPage;
use crate::components::unsubscribe_page::UnsubscribePage;
use crate::contexts::SITE_INFO_ELEMENT_ID;
use crate::contexts::clock::{RenderedAt, provide_clock_context};
use crate::contexts::live::{LiveCursor, provide_live_context};
use crate::contexts::site::use_site;
use crate::contexts::theme::{Theme, provide_theme_context};
use crate::contexts::visits::provide_visits_context;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = use_context::<Theme>().unwrap_or_default();
    let theme_attr = (theme != Theme::System).then_some(theme.as_str());
    let live_cursor = use_context::<LiveCursor>().unwrap_or_default().0;
    let rendered_at = use_context::<RenderedAt>().unwrap_or_default().0;
    // `<` is escaped so no value can close the script element early.
    let site = use_site();
    let site_json = serde_json::to_string(&site)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    // Feed readers find the feeds from any page.
    let base = site.base_url.trim_end_matches('/').to_string();
    let feeds_title = format!("{} — all briefs", site.name);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme_attr data-live-cursor=live_cursor data-rendered-at=rendered_at>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="alternate" type="application/atom+xml" title=feeds_title.clone() href=format!("{base}/feed.xml")/>
                <link rel="alternate" type="application/feed+json" title=feeds_title href=format!("{base}/feed.json")/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <script type="application/json" id=SITE_INFO_ELEMENT_ID inner_html=site_json></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: every route renders on the server before the first byte is sent (`SsrMode::Async`),
/// so pages are complete without JavaScript and carry the right HTTP status.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_theme_context();
    provide_live_context();
    provide_clock_context();
    provide_visits_context();

    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=FeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/category/:category") view=FeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/tag/:tag") view=FeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/pulse/:slug") view=BriefPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-data") view=MyDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter") view=NewsletterPage ssr=SsrMode::Async/>
                    <Route path=path!("/digest") view=DigestArchivePage ssr=SsrMode::Async/>
                    <Route path=path!("/digest/:issue") view=DigestIssuePage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/confirm") view=ConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/my-data") view=SubscriberDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk") view=DeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/new") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/drafts/:id") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/briefs/:slug") view=BriefEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/editors") view=EditorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/moderation") view=ModerationPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/account") view=AccountPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
