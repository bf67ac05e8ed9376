//! Who is asking: the signed-in user (checked against their session epoch, disabled flag and
//! idle limit on every request) and the CSRF token their forms must carry.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Utc};
use tower_sessions::Session;

pub use super::session_lifetime::SessionLifetime;
use crate::db::users::User;
use crate::error::AppError;
use crate::state::AppState;

const SESSION_USER: &str = "user_id";
const SESSION_EPOCH: &str = "epoch";
const SESSION_SEEN: &str = "seen";
const SESSION_REMEMBER: &str = "remember";
/// When the person signed in (seconds since the epoch): the session's absolute limit runs
/// from here, however active it is.
const SESSION_STARTED: &str = "started";
const SESSION_CSRF: &str = "csrf";
/// The idle clock is moved at most this often, so a busy reader costs no session write per page.
const REFRESH_AFTER_SECS: i64 = 5 * 60;

/// The cookies' names. In production the `__Host-` prefix has the browser refuse a cookie
/// that is not Secure, host-only and for path `/`, so a neighbouring subdomain cannot
/// plant or overwrite one.
#[derive(Clone, Copy, Debug)]
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    /// The known-device cookie (`auth::device`).
    pub device: &'static str,
}

impl CookieNames {
    pub const fn for_production(production: bool) -> CookieNames {
        match production {
            true => CookieNames {
                session: "__Host-academy_session",
                csrf: "__Host-academy_csrf",
                device: "__Host-academy_device",
            },
            false => CookieNames {
                session: "academy_session",
                csrf: "academy_csrf",
                device: "academy_device",
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: Option<User>,
    pub csrf: CsrfToken,
}

/// The token this viewer's forms carry. Reading it marks it used, so an anonymous visitor
/// gets the cookie it is signed against only with a page that has a form: pages without
/// one stay free of `Set-Cookie` and cacheable.
#[derive(Clone, Debug, Default)]
pub struct CsrfToken {
    value: String,
    used: Arc<AtomicBool>,
}

impl CsrfToken {
    fn new(value: String) -> Self {
        CsrfToken {
            value,
            used: Arc::default(),
        }
    }

    /// For a form: marks the token used.
    pub fn for_form(&self) -> &str {
        self.used.store(true, Ordering::Relaxed);
        &self.value
    }

    /// For checking a submission, without marking it used.
    pub fn expected(&self) -> &str {
        &self.value
    }

    /// Whether a form on the page carries it (the page is then this visitor's alone).
    pub fn was_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
}

impl Viewer {
    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.user_id)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(User::is_admin)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("the viewer middleware did not run")))
    }
}

/// A signed-in user; anyone else is sent to sign in and brought back.
pub struct CurrentUser(pub User);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Viewer::from_request_parts(parts, state).await?.user {
            Some(user) => Ok(CurrentUser(user)),
            None => Err(AppError::SignInRequired(return_path(parts))),
        }
    }
}

/// A signed-in admin; a learner gets the 403 page, an anonymous visitor the sign-in page.
pub struct AdminUser(pub User);

impl<S: Send + Sync> FromRequestParts<S> for AdminUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.is_admin() {
            Ok(AdminUser(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

fn return_path(parts: &Parts) -> String {
    match parts.method {
        axum::http::Method::GET => parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned(),
        _ => crate::paths::account().to_owned(),
    }
}

type SessionResult<T> = Result<T, tower_sessions::session::Error>;

/// Middleware: works out the viewer and, for an anonymous visitor without one, sets the
/// CSRF cookie their forms are signed against (a cookie, not a session row).
pub async fn load_viewer(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let now = state.clock.now();
    let names = CookieNames::for_production(state.config.is_production());
    let user = match signed_in_user(&state, &session, now).await {
        Ok(user) => user,
        Err(error) => return error.into_response(),
    };
    let mut new_cookie = None;
    let token = match &user {
        Some(_) => match session_csrf_token(&session).await {
            Ok(token) => token,
            Err(error) => return AppError::from(error).into_response(),
        },
        None => {
            let cookie = csrf_cookie(request.headers(), names.csrf).unwrap_or_else(|| {
                let fresh = hex::encode(rand::random::<[u8; 32]>());
                new_cookie = Some(fresh.clone());
                fresh
            });
            state.keys.csrf_token_for(&cookie)
        }
    };
    let csrf = CsrfToken::new(token);
    let anonymous = user.is_none();
    request.extensions_mut().insert(Viewer {
        user,
        csrf: csrf.clone(),
    });
    let mut response = next.run(request).await;
    if let Some(value) = new_cookie.filter(|_| csrf.was_used()) {
        let cookie = Cookie::build((names.csrf, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.config.is_production())
            .path("/")
            .build();
        if let Ok(header) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
    if anonymous && !csrf.was_used() {
        response.extensions_mut().insert(SameForEveryVisitor);
    }
    response
}

/// On a response: it was made for an anonymous visitor and carries no form token, so
/// every anonymous visitor asking the same address at the same moment gets the same bytes
/// (the compression layer may keep its compressed copy).
#[derive(Clone, Copy, Debug)]
pub struct SameForEveryVisitor;

fn csrf_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| Cookie::parse(pair.trim().to_owned()).ok())
        .find(|c| c.name() == name && c.value().len() == 64)
        .map(|c| c.value().to_owned())
}

async fn signed_in_user(
    state: &AppState,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Option<User>, AppError> {
    let session_error = AppError::from;
    let Some(user_id) = session
        .get::<i64>(SESSION_USER)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(SESSION_EPOCH)
        .await
        .map_err(session_error)?;
    let seen = session
        .get::<i64>(SESSION_SEEN)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let remember = session
        .get::<bool>(SESSION_REMEMBER)
        .await
        .map_err(session_error)?
        .unwrap_or(false);
    // A session from before the start was recorded has no absolute limit to keep: it ends.
    let started = session
        .get::<i64>(SESSION_STARTED)
        .await
        .map_err(session_error)?
        .and_then(|ts| DateTime::from_timestamp(ts, 0));
    let lifetime = SessionLifetime::from(&*state.config);
    let idle = now.timestamp() - seen;
    // The user's epoch, role and disabled flag are checked on every request, against a row
    // at most a second old (`auth::recent_users`), so a change applies at once in this
    // process and within a second in the others; the session row, too, came from memory.
    let user = match started.filter(|started| lifetime.is_live(remember, *started, idle, now)) {
        Some(_) => state
            .recent_users
            .find(&state.db, user_id)
            .await?
            .filter(|u| Some(u.session_epoch) == epoch && !u.is_disabled()),
        None => None,
    };
    match (user, started) {
        (Some(user), Some(started)) => {
            if idle > REFRESH_AFTER_SECS {
                // The layer's default expiry applies on every save; a remembered session
                // must say again that it is one, or its cookie turns into a browser one.
                session.set_expiry(Some(lifetime.expiry(remember, started, now)));
                session
                    .insert(SESSION_SEEN, now.timestamp())
                    .await
                    .map_err(session_error)?;
            }
            Ok(Some(user))
        }
        _ => {
            session.flush().await.map_err(session_error)?;
            Ok(None)
        }
    }
}

async fn session_csrf_token(session: &Session) -> SessionResult<String> {
    if let Some(token) = session.get::<String>(SESSION_CSRF).await? {
        return Ok(token);
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    session.insert(SESSION_CSRF, &token).await?;
    Ok(token)
}

/// Signs `user` in on this session: a new session id (no fixation), their current epoch,
/// and a fresh CSRF token. "Remember me" keeps the session across browser restarts.
pub async fn begin_session(
    session: &Session,
    user_id: i64,
    epoch: i64,
    remember: bool,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> SessionResult<()> {
    session.cycle_id().await?;
    session.clear().await;
    session.insert(SESSION_USER, user_id).await?;
    session.insert(SESSION_EPOCH, epoch).await?;
    session.insert(SESSION_SEEN, now.timestamp()).await?;
    session.insert(SESSION_REMEMBER, remember).await?;
    session.insert(SESSION_STARTED, now.timestamp()).await?;
    session
        .insert(SESSION_CSRF, hex::encode(rand::random::<[u8; 32]>()))
        .await?;
    session.set_expiry(Some(lifetime.expiry(remember, now, now)));
    Ok(())
}

/// After a password change: this session stays signed in under the new epoch (and keeps
/// the absolute end of the sign-in it continues).
pub async fn follow_epoch(
    session: &Session,
    epoch: i64,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> SessionResult<()> {
    let remember = session
        .get::<bool>(SESSION_REMEMBER)
        .await?
        .unwrap_or(false);
    let started = session
        .get::<i64>(SESSION_STARTED)
        .await?
        .and_then(|ts| DateTime::from_timestamp(ts, 0))
        .unwrap_or(now);
    session.set_expiry(Some(lifetime.expiry(remember, started, now)));
    session.cycle_id().await?;
    session.insert(SESSION_EPOCH, epoch).await
}
