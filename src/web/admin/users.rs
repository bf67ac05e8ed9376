//! `/admin/users`: find accounts, change roles, override learner types, disable accounts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::{PAGE_SIZE, Pager};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::Tx;
use crate::db::audit::audit;
use crate::db::audit::{self as audit_log, AuditRecord};
use crate::db::users::{self, LearnerType, Role, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
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
    total: i64,
    pager: Pager,
    query_param: String,
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
    let page = super::PageQuery { page: query.page }.number();
    let (_, total) = users::search(&state.db, &search, 0, 0).await?;
    let pager = Pager::new(page, total);
    let (found, _) = users::search(&state.db, &search, PAGE_SIZE, pager.offset()).await?;
    render(&ListPage {
        layout: Layout::new(
            "Users",
            "Find and manage accounts.",
            Section::Admin,
            &viewer,
        ),
        query_param: url::form_urlencoded::byte_serialize(search.as_bytes()).collect(),
        query: search,
        users: found,
        total,
        pager,
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

/// Shows the user's page again with one problem: 422.
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    admin: &User,
    user: User,
    field: &'static str,
    message: &str,
    reason: &str,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    errors.add(field, message);
    let html = detail_page(state, viewer, admin, user, &errors, reason, None).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

fn done(id: i64) -> Response {
    Redirect::to(&format!(
        "/admin/users/{id}?notice={}",
        Notice::Saved.name()
    ))
    .into_response()
}

/// Refuses changes that would leave no admin able to sign in.
async fn would_remove_last_admin(tx: &mut Tx, user: &User) -> Result<bool, AppError> {
    Ok(user.is_admin() && !user.is_disabled() && users::count_active_admins(tx).await? <= 1)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(role) = Role::parse(&form.role) else {
        return refuse(&state, &viewer, &admin, user, "role", "Select a role", "").await;
    };
    if user.user_id == admin.user_id {
        return refuse(
            &state,
            &viewer,
            &admin,
            user,
            "role",
            "You cannot change your own role. Ask another admin.",
            "",
        )
        .await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if role == Role::Learner && would_remove_last_admin(&mut tx, &user).await? {
        return refuse(
            &state,
            &viewer,
            &admin,
            user,
            "role",
            "This is the last admin. Make someone else an admin first.",
            "",
        )
        .await;
    }
    users::set_role(&mut tx, user.user_id, role, now).await?;
    audit(
        &mut tx,
        Some(admin.user_id),
        Some(user.user_id),
        "role_changed",
        role.as_str(),
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(done(id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "reason",
        &form.reason,
        Some("Enter the reason, for example the evidence you saw"),
        500,
    );
    let Some(learner_type) = LearnerType::parse(&form.learner_type) else {
        return refuse(
            &state,
            &viewer,
            &admin,
            user,
            "learner_type",
            "Select a learner type",
            &reason,
        )
        .await;
    };
    if let Some((field, message)) = errors.list().first() {
        return refuse(&state, &viewer, &admin, user, field, message, &reason).await;
    }
    let now = state.clock.now();
    let recorded = format!("Set by an admin: {reason}");
    let mut tx = state.db.begin().await?;
    users::set_learner_type(&mut tx, user.user_id, learner_type, &recorded, now).await?;
    audit(
        &mut tx,
        Some(admin.user_id),
        Some(user.user_id),
        "learner_type_overridden",
        &format!("{}: {reason}", learner_type.as_str()),
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(done(id))
}

pub async fn disable(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(state, viewer, admin, client, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(state, viewer, admin, client, id, false).await
}

async fn set_disabled(
    state: AppState,
    viewer: Viewer,
    admin: User,
    client: ClientAddress,
    id: i64,
    disabled: bool,
) -> Result<Response, AppError> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if disabled && user.user_id == admin.user_id {
        return refuse(
            &state,
            &viewer,
            &admin,
            user,
            "disable",
            "You cannot disable your own account.",
            "",
        )
        .await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if disabled && would_remove_last_admin(&mut tx, &user).await? {
        return refuse(
            &state,
            &viewer,
            &admin,
            user,
            "disable",
            "This is the last admin. Make someone else an admin first.",
            "",
        )
        .await;
    }
    users::set_disabled(&mut tx, user.user_id, disabled, now).await?;
    let action = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    audit(
        &mut tx,
        Some(admin.user_id),
        Some(user.user_id),
        action,
        "",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(done(id))
}
