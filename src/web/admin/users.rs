//! `/admin/users`: find accounts, change roles, decide learner types, disable accounts (the
//! changes are `accounts::admin` services).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageQuery, Pager};
use crate::accounts::admin::{self as admin_actions, AdminUserError, ByAdmin};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::audit::{self as audit_log, AuditRecord};
use crate::db::users::{self, LearnerType, Role, User};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, Uncounted, page_address};
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    layout: Layout,
    query: String,
    users: Vec<User>,
    /// How many match a search. Every account is not counted: the list is newest first,
    /// page by page, without a count that would read every row as the list grows.
    total: Option<i64>,
    pagination: PageLinks,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let search: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let page = PageQuery { page: query.page }.number();
    let address = |n| page_address(paths::admin_users(), &[("q", search.as_str())], n);
    let (found, total, pagination) = if search.is_empty() {
        let page = Uncounted::new(page);
        let mut found = users::search(&state.db, &search, page.window()).await?;
        let links = page.links(&mut found, address);
        (found, None, links)
    } else {
        let total = users::count_matching(&state.db, &search).await?;
        let pager = Pager::new(page, total);
        let found = users::search(&state.db, &search, pager.window()).await?;
        (found, Some(total), pager.links(address))
    };
    render(&ListPage {
        layout: Layout::new(
            "Users",
            "Find and manage accounts.",
            Section::Admin,
            &viewer,
        ),
        query: search,
        users: found,
        total,
        pagination,
    })
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct DetailPage<'a> {
    layout: Layout,
    user: User,
    is_self: bool,
    history: Vec<AuditRecord>,
    errors: &'a FormErrors,
    reason: &'a str,
}

async fn detail_page(
    state: &AppState,
    viewer: &Viewer,
    admin: &User,
    user: User,
    errors: &FormErrors,
    reason: &str,
    banner: Option<String>,
) -> Result<String, AppError> {
    let history = audit_log::for_user(&state.db, user.user_id, 50).await?;
    let page = DetailPage {
        layout: Layout::new(
            user.full_name.clone(),
            "An account.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        is_self: user.user_id == admin.user_id,
        user,
        history,
        errors,
        reason,
    };
    Ok(page.render()?)
}

pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Html(
        detail_page(
            &state,
            &viewer,
            &admin,
            user,
            &FormErrors::default(),
            "",
            notice.banner(),
        )
        .await?,
    ))
}

/// Shows the user's page again with one problem: 422 (404 when there is no such account).
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    admin: &User,
    id: i64,
    field: &'static str,
    message: &str,
    reason: &str,
) -> Result<Response, AppError> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    errors.add(field, message);
    let html = detail_page(state, viewer, admin, user, &errors, reason, None).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// After a change: the user's page with "saved", or the refusal beside `field`.
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    admin: &User,
    id: i64,
    field: &'static str,
    result: Result<(), AdminUserError>,
) -> Result<Response, AppError> {
    let message = match result {
        Ok(()) => {
            let target = paths::with_notice(&paths::admin_user(id), Notice::Saved.name());
            return Ok(Redirect::to(&target).into_response());
        }
        Err(AdminUserError::OwnRole) => "You cannot change your own role. Ask another admin.",
        Err(AdminUserError::OwnAccount) => "You cannot disable your own account.",
        Err(AdminUserError::LastAdmin) => {
            "This is the last admin. Make someone else an admin first."
        }
        Err(AdminUserError::NotFound) => return Err(AppError::NotFound),
        Err(AdminUserError::Db(error)) => return Err(error.into()),
    };
    refuse(state, viewer, admin, id, field, message, "").await
}

fn by<'a>(admin: &User, client: &'a str) -> ByAdmin<'a> {
    ByAdmin {
        admin_id: admin.user_id,
        client,
    }
}

/// The role radios: one is always checked, so the choice is always sent.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let Some(role) = Role::parse(&form.role) else {
        return refuse(&state, &viewer, &admin, id, "role", "Select a role", "").await;
    };
    let client = client.to_string();
    let result = admin_actions::change_role(state.ctx(), by(&admin, &client), id, role).await;
    answer(&state, &viewer, &admin, id, "role", result).await
}

/// The learner type radios (one always checked) and the reason.
#[derive(Debug, Deserialize)]
pub struct LearnerTypeForm {
    learner_type: String,
    reason: String,
}

pub async fn override_learner_type(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<LearnerTypeForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "reason",
        &form.reason,
        Some("Enter the reason, for example the evidence you saw"),
        500,
    );
    let Some(learner_type) = LearnerType::parse(&form.learner_type) else {
        let message = "Select a learner type";
        return refuse(
            &state,
            &viewer,
            &admin,
            id,
            "learner_type",
            message,
            &reason,
        )
        .await;
    };
    if let Some((field, message)) = errors.list().first() {
        return refuse(&state, &viewer, &admin, id, field, message, &reason).await;
    }
    let client = client.to_string();
    let by = by(&admin, &client);
    let result =
        admin_actions::decide_learner_type(state.ctx(), by, id, learner_type, &reason).await;
    answer(&state, &viewer, &admin, id, "learner_type", result).await
}

pub async fn disable(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let result = admin_actions::set_disabled(state.ctx(), by(&admin, &client), id, true).await;
    answer(&state, &viewer, &admin, id, "disable", result).await
}

pub async fn enable(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let result = admin_actions::set_disabled(state.ctx(), by(&admin, &client), id, false).await;
    answer(&state, &viewer, &admin, id, "disable", result).await
}
