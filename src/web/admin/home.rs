//! `/admin/home`: the home page's text blocks (introduction, About us, Investigations,
//! Education), with a Markdown preview. An emptied block disappears from the home page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::content::home::{self as service, BLOCKS, HomeError, link_problem};
use crate::db::home::{self, HomeBlock};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::markdown::to_safe_html;
use crate::web::notice::{Notice, NoticeQuery};

/// Each block's field names (title, body, link text, link address): fixed, so errors can
/// name them.
const FIELDS: [[&str; 4]; 4] = [
    [
        "introduction_title",
        "introduction_body",
        "introduction_link_label",
        "introduction_link_href",
    ],
    [
        "about_title",
        "about_body",
        "about_link_label",
        "about_link_href",
    ],
    [
        "investigations_title",
        "investigations_body",
        "investigations_link_label",
        "investigations_link_href",
    ],
    [
        "education_title",
        "education_body",
        "education_link_label",
        "education_link_href",
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
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let value = |name: String| form.get(&name).cloned().unwrap_or_default();
    let preview = form.get("action").is_some_and(|a| a == "preview");
    let mut errors = FormErrors::default();
    let mut blocks = Vec::new();
    for ((block, label), [title_field, body_field, label_field, href_field]) in
        BLOCKS.into_iter().zip(FIELDS)
    {
        let title = errors.text(title_field, &value(title_field.to_owned()), None, 120);
        let body = errors.multiline(body_field, &value(body_field.to_owned()), None, 4_000);
        let link_label = errors.text(label_field, &value(label_field.to_owned()), None, 60);
        let link_href = errors.text(href_field, &value(href_field.to_owned()), None, 300);
        match (link_label.is_empty(), link_href.is_empty()) {
            (false, true) => {
                errors.add(href_field, "Enter where the link goes, or remove its text")
            }
            (true, false) => errors.add(
                label_field,
                "Enter the link's text, or remove where it goes",
            ),
            (false, false) => {
                if let Some(problem) = link_problem(&link_href) {
                    errors.add(href_field, problem);
                }
            }
            (true, true) => {}
        }
        blocks.push(BlockForm {
            block,
            label,
            preview: preview.then(|| to_safe_html(&body)),
            title,
            body,
            link_label,
            link_href,
        });
    }
    if preview || !errors.is_empty() {
        return page(&viewer, blocks, &errors, None);
    }
    let stored: Vec<HomeBlock> = blocks
        .into_iter()
        .map(|form| HomeBlock {
            block: form.block.to_owned(),
            title: form.title,
            body: form.body,
            link_label: form.link_label,
            link_href: form.link_href,
        })
        .collect();
    service::save(state.ctx(), admin.user_id, &client.to_string(), &stored).await?;
    let saved = paths::with_notice(paths::admin_home(), Notice::Saved.name());
    Ok(Redirect::to(&saved).into_response())
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
