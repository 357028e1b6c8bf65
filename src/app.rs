//! The route table — nothing else lives here.

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
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
use crate::components::desk::inbox_page::InboxPage;
use crate::components::desk::insight_page::InsightPage;
use crate::components::desk::login_page::LoginPage;
use crate::components::desk::moderation_page::ModerationPage;
use crate::components::desk::sources_page::SourcesPage;
use crate::components::digest_archive_page::DigestArchivePage;
use crate::components::digest_issue_page::DigestIssuePage;
use crate::components::feed_page::FeedPage;
use crate::components::follow::confirm_page::FollowConfirmPage;
use crate::components::follow::manage_page::FollowManagePage;
use crate::components::follow::stop_page::FollowStopPage;
use crate::components::layout::Layout;
use crate::components::my_data_page::MyDataPage;
use crate::components::newsletter_page::NewsletterPage;
use crate::components::not_found::NotFound;
use crate::components::search_page::SearchPage;
use crate::components::subscriber_data_page::SubscriberDataPage;
use crate::components::unsubscribe_page::UnsubscribePage;

/// The app, rendered on the server: every route resolves before the first byte is sent
/// (`SsrMode::Async`), so pages are complete without JavaScript and carry the right HTTP
/// status. In the browser only its islands hydrate.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

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
                    <Route path=path!("/follow/confirm") view=FollowConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/follow/stop") view=FollowStopPage ssr=SsrMode::Async/>
                    <Route path=path!("/follow/manage") view=FollowManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/desk") view=DeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/new") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/drafts/:id") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/briefs/:slug") view=BriefEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/editors") view=EditorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/moderation") view=ModerationPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/insight") view=InsightPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/inbox") view=InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/sources") view=SourcesPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/desk/account") view=AccountPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
