//! `/admin/home`: the home page's text blocks (introduction, About us, Investigations,
//! Education), with a Markdown preview. A block comes off the home page only when its
//! "Remove" box is ticked: emptying its heading and text without it is a field error, so a
//! slip (or a form that lost its text on the way) never hides a block.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::home::{self as service, BLOCKS, HomeError, link_problem};
use crate::db::home::{self, HomeBlock};
use crate::error::AppError;
use crate::markdown::to_safe_html;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, missing, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};

/// Each block's field names (title, body, link text, link address, the "Remove" box):
/// fixed, so errors can name them.
const FIELDS: [[&str; 5]; 4] = [
    [
        "introduction_title",
        "introduction_body",
        "introduction_link_label",
        "introduction_link_href",
        "introduction_remove",
    ],
    [
        "about_title",
        "about_body",
        "about_link_label",
        "about_link_href",
        "about_remove",
    ],
    [
        "investigations_title",
        "investigations_body",
        "investigations_link_label",
        "investigations_link_href",
        "investigations_remove",
    ],
    [
        "education_title",
        "education_body",
        "education_link_label",
        "education_link_href",
        "education_remove",
    ],
];

/// One block as typed, with its field names and preview.
pub struct BlockForm {
    pub block: &'static str,
    pub label: &'static str,
    pub title: String,
    pub body: String,
    pub link_label: String,
    pub link_href: String,
    /// On the home page now (as stored), so it offers the "Remove" box.
    pub shown: bool,
    /// The "Remove" box is ticked.
    pub remove: bool,
    pub preview: Option<String>,
}

impl BlockForm {
    pub fn field(&self, part: &str) -> String {
        format!("{}_{part}", self.block)
    }
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomeBlocksPage<'a> {
    layout: Layout,
    blocks: Vec<BlockForm>,
    errors: &'a FormErrors,
}

fn page(
    viewer: &Viewer,
    blocks: Vec<BlockForm>,
    errors: &FormErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let layout = Layout::new(
        "Home page",
        "Edit the home page's text.",
        Section::Admin,
        viewer,
    )
    .with_errors(!errors.is_empty())
    .with_banner(banner);
    page_or_rejected(
        &HomeBlocksPage {
            layout,
            blocks,
            errors,
        },
        errors,
    )
}

/// Whether `block` is on the home page as stored.
fn shown(stored: &[HomeBlock], block: &str) -> bool {
    stored
        .iter()
        .find(|b| b.block == block)
        .is_some_and(|b| !b.is_hidden())
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let stored = home::all(&state.db).await?;
    let blocks = BLOCKS
        .iter()
        .map(|(block, label)| {
            let saved = stored.iter().find(|b| b.block == *block);
            BlockForm {
                block,
                label,
                title: saved.map(|b| b.title.clone()).unwrap_or_default(),
                body: saved.map(|b| b.body.clone()).unwrap_or_default(),
                link_label: saved.map(|b| b.link_label.clone()).unwrap_or_default(),
                link_href: saved.map(|b| b.link_href.clone()).unwrap_or_default(),
                shown: shown(&stored, block),
                remove: false,
                preview: None,
            }
        })
        .collect();
    page(&viewer, blocks, &FormErrors::default(), notice.banner())
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // Every text box is always sent; the "Remove" boxes and the button only when used.
    let value = |name: &str| {
        form.get(name)
            .map(String::as_str)
            .ok_or_else(|| missing(name))
    };
    let preview = form.get("action").is_some_and(|a| a == "preview");
    let stored = home::all(&state.db).await?;
    let mut errors = FormErrors::default();
    let mut blocks = Vec::new();
    for ((block, label), names) in BLOCKS.into_iter().zip(FIELDS) {
        let [title, body, link_label, link_href, remove] = names;
        let typed = [
            value(title)?,
            value(body)?,
            value(link_label)?,
            value(link_href)?,
        ];
        let mut edited = BlockForm {
            block,
            label,
            title: typed[0].trim().to_owned(),
            body: typed[1].trim().to_owned(),
            link_label: typed[2].trim().to_owned(),
            link_href: typed[3].trim().to_owned(),
            shown: shown(&stored, block),
            remove: form.get(remove).is_some_and(|v| v == "yes"),
            preview: None,
        };
        // A block being removed is not checked: a bad link left in it must not stop that.
        if !edited.remove {
            check_block(
                &mut errors,
                &mut edited,
                &typed,
                [title, body, link_label, link_href],
            );
            edited.preview = preview.then(|| to_safe_html(&edited.body));
        }
        blocks.push(edited);
    }
    if preview || !errors.is_empty() {
        return page(&viewer, blocks, &errors, None);
    }
    let stored: Vec<HomeBlock> = blocks
        .into_iter()
        .map(|edited| {
            let kept = |text: String| if edited.remove { String::new() } else { text };
            HomeBlock {
                block: edited.block.to_owned(),
                title: kept(edited.title),
                body: kept(edited.body),
                link_label: kept(edited.link_label),
                link_href: kept(edited.link_href),
            }
        })
        .collect();
    service::save(state.ctx(), admin.user_id, &client.to_string(), &stored).await?;
    let saved = paths::with_notice(paths::admin_home(), Notice::Saved.name());
    Ok(Redirect::to(&saved).into_response())
}

/// One kept block's text checked into `form`: lengths, characters, the link's two halves,
/// and a heading or text for a block on the home page (emptying it is what "Remove" is for).
fn check_block(
    errors: &mut FormErrors,
    form: &mut BlockForm,
    [title, body, link_label, link_href]: &[&str; 4],
    [title_field, body_field, label_field, href_field]: [&'static str; 4],
) {
    form.title = errors.text(title_field, title, None, 120);
    form.body = errors.multiline(body_field, body, None, 4_000);
    form.link_label = errors.text(label_field, link_label, None, 60);
    form.link_href = errors.text(href_field, link_href, None, 300);
    if form.shown && title.trim().is_empty() && body.trim().is_empty() {
        errors.add(
            title_field,
            format!(
                "Enter a heading or text, or tick ‘Remove the {} block from the home page’",
                form.label
            ),
        );
    }
    match (form.link_label.is_empty(), form.link_href.is_empty()) {
        (false, true) => errors.add(href_field, "Enter where the link goes, or remove its text"),
        (true, false) => errors.add(
            label_field,
            "Enter the link's text, or remove where it goes",
        ),
        (false, false) => {
            if let Some(problem) = link_problem(&form.link_href) {
                errors.add(href_field, problem);
            }
        }
        (true, true) => {}
    }
}

/// Blocks the form cannot send (an unknown name, a link it refuses): a bad request.
impl From<HomeError> for AppError {
    fn from(error: HomeError) -> Self {
        match error {
            HomeError::Db(error) => error.into(),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}
