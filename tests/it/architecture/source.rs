//! The paths a source file names, found in its tokens (see `lexer.rs`) and resolved
//! against the module they appear in: `use` trees with groups, `self` and renames
//! (`pub(crate) use` too), `crate::…`, `super::…` and crate names in code.

use std::collections::{BTreeMap, BTreeSet};

use super::lexer::{Token, blank_comments_and_literals, tokens};

/// One source file: its path under `src/` (`web/admin/users.rs`) and its text.
pub struct File {
    pub path: String,
    pub text: String,
}

/// A module path from the crate root: `["web", "admin", "users"]`; the root is empty.
pub type ModulePath = Vec<String>;

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An item of this crate, by its full path (`["db", "users", "Role"]`).
    Crate(Vec<String>),
    /// Another crate (`sqlx`, `axum`, …).
    External(String),
}

/// A path named in a file, with the line it is on.
#[derive(Clone, Debug)]
pub struct Reference {
    pub line: usize,
    pub target: Target,
    /// The tokens as written, for messages (`crate::web::forms`).
    pub written: String,
}

/// The module a file under `src/` defines; `None` for a binary's root (`main.rs`, `bin/`).
pub fn module_of(path: &str) -> Option<ModulePath> {
    if path == "main.rs" || path.starts_with("bin/") {
        return None;
    }
    let path = path.strip_suffix(".rs").unwrap_or(path);
    let mut segments: Vec<String> = path.split('/').map(str::to_owned).collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    Some(segments)
}

fn is_identifier(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// A path as found, before resolution: its segments and the module scope it is in.
struct Found {
    scope: ModulePath,
    segments: Vec<String>,
    line: usize,
    in_use: bool,
}

/// Every path `file` names, resolved. `modules` is every module of the crate (to tell a
/// child module from another crate); `crate_names` are how a binary names the library.
pub fn references(
    file: &File,
    modules: &BTreeSet<ModulePath>,
    library_name: &str,
) -> Vec<Reference> {
    let module = module_of(&file.path);
    let tokens = tokens(&blank_comments_and_literals(&file.text));
    let root_scope = module.clone().unwrap_or_default();
    let mut found: Vec<Found> = Vec::new();
    // (scope, alias) → the path the alias stands for, from `use` declarations.
    let mut aliases: BTreeMap<(ModulePath, String), Vec<String>> = BTreeMap::new();
    // Inline `mod name {`: the scope and the brace depth it closes at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut inline_modules: BTreeSet<ModulePath> = BTreeSet::new();
    let mut depth = 0;
    let mut i = 0;
    let scope_of = |inline: &[(String, usize)]| {
        let mut scope = root_scope.clone();
        scope.extend(inline.iter().map(|(name, _)| name.clone()));
        scope
    };
    while i < tokens.len() {
        let token = &tokens[i];
        let previous = i.checked_sub(1).map(|p| tokens[p].text.as_str());
        match token.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.text == "{") => {
                let name = tokens[i + 1].text.clone();
                inline.push((name, depth));
                inline_modules.insert(scope_of(&inline));
                i += 2;
                continue;
            }
            "use" if previous != Some("::") && tokens.get(i + 1).is_some_and(|t| t.text != "<") => {
                let scope = scope_of(&inline);
                let mut trees = Vec::new();
                i = use_tree(&tokens, i + 1, Vec::new(), &mut trees);
                for (segments, alias, line) in trees {
                    if let Some(alias) = alias {
                        aliases.insert((scope.clone(), alias), segments.clone());
                    }
                    found.push(Found {
                        scope: scope.clone(),
                        segments,
                        line,
                        in_use: true,
                    });
                }
                continue;
            }
            "crate" if previous == Some("extern") => {
                if let Some(name) = tokens.get(i + 1) {
                    found.push(Found {
                        scope: scope_of(&inline),
                        segments: vec!["::".into(), name.text.clone()],
                        line: name.line,
                        in_use: true,
                    });
                }
            }
            text if is_identifier(text)
                && previous != Some("::")
                && tokens.get(i + 1).is_some_and(|t| t.text == "::") =>
            {
                let (segments, end) = path_at(&tokens, i);
                found.push(Found {
                    scope: scope_of(&inline),
                    segments,
                    line: token.line,
                    in_use: false,
                });
                i = end;
                continue;
            }
            "::" if previous.is_none_or(|p| !is_identifier(p) && p != ">") => {
                // `::sqlx::query`: a path from the crate root of another crate.
                let (mut segments, end) = path_at(&tokens, i + 1);
                segments.insert(0, "::".into());
                found.push(Found {
                    scope: scope_of(&inline),
                    segments,
                    line: token.line,
                    in_use: false,
                });
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut all_modules = modules.clone();
    all_modules.extend(inline_modules);
    let resolver = Resolver {
        modules: &all_modules,
        aliases: &aliases,
        library_name,
        is_binary: module.is_none(),
    };
    found
        .into_iter()
        .filter_map(|f| {
            let target = resolver.resolve(&f.scope, &f.segments, f.in_use)?;
            let written = match f.segments.split_first() {
                Some((first, rest)) if first == "::" => format!("::{}", rest.join("::")),
                _ => f.segments.join("::"),
            };
            Some(Reference {
                line: f.line,
                target,
                written,
            })
        })
        .collect()
}

/// `ident (:: ident)*` from `start`; stops before a turbofish or anything else.
fn path_at(tokens: &[Token], start: usize) -> (Vec<String>, usize) {
    let mut segments = Vec::new();
    let mut i = start;
    while let Some(token) = tokens.get(i) {
        if !is_identifier(&token.text) {
            break;
        }
        segments.push(token.text.clone());
        i += 1;
        if tokens.get(i).is_some_and(|t| t.text == "::")
            && tokens.get(i + 1).is_some_and(|t| is_identifier(&t.text))
        {
            i += 1;
        } else {
            break;
        }
    }
    (segments, i)
}

/// Parses one use tree from `i` (after `use`, or inside a group), pushing each leaf as
/// (full path, the name it binds, line). Returns the index after the tree (past the `;`
/// at the top level).
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>, usize)>,
) -> usize {
    let top = prefix.is_empty();
    let mut line = tokens.get(i).map_or(0, |t| t.line);
    if tokens.get(i).is_some_and(|t| t.text == "::") {
        prefix.push("::".into());
        i += 1;
    }
    loop {
        let Some(token) = tokens.get(i) else { return i };
        match token.text.as_str() {
            "{" => {
                i += 1;
                while tokens.get(i).is_some_and(|t| t.text != "}") {
                    if tokens[i].text == "," {
                        i += 1;
                        continue;
                    }
                    i = use_tree(tokens, i, prefix.clone(), out);
                }
                i += 1;
                break;
            }
            "*" => {
                prefix.push("*".into());
                out.push((prefix.clone(), None, line));
                i += 1;
                break;
            }
            text if is_identifier(text) => {
                if prefix.is_empty() || prefix == ["::"] {
                    line = token.line;
                }
                prefix.push(text.to_owned());
                i += 1;
                if tokens.get(i).is_some_and(|t| t.text == "::") {
                    i += 1;
                    continue;
                }
                let mut alias = prefix.last().cloned();
                if prefix.last().is_some_and(|s| s == "self") {
                    prefix.pop();
                    alias = prefix.last().cloned();
                }
                if tokens.get(i).is_some_and(|t| t.text == "as") {
                    alias = tokens
                        .get(i + 1)
                        .map(|t| t.text.clone())
                        .filter(|a| a != "_");
                    i += 2;
                }
                out.push((prefix.clone(), alias, line));
                break;
            }
            _ => return i + 1,
        }
    }
    if top {
        // Skip to the end of the declaration.
        while tokens.get(i).is_some_and(|t| t.text != ";") {
            i += 1;
        }
        i += 1;
    }
    i
}

struct Resolver<'a> {
    modules: &'a BTreeSet<ModulePath>,
    aliases: &'a BTreeMap<(ModulePath, String), Vec<String>>,
    library_name: &'a str,
    is_binary: bool,
}

impl Resolver<'_> {
    /// What `segments`, written in `scope`, names; `None` for what is not a module path
    /// (a local type's `Self::new`, a variable, a generic).
    fn resolve(&self, scope: &ModulePath, segments: &[String], in_use: bool) -> Option<Target> {
        self.resolve_depth(scope, segments, in_use, 0)
    }

    fn resolve_depth(
        &self,
        scope: &ModulePath,
        segments: &[String],
        in_use: bool,
        depth: usize,
    ) -> Option<Target> {
        let first = segments.first()?.as_str();
        let crate_path = |rest: &[String]| Some(Target::Crate(rest.to_vec()));
        match first {
            "::" => segments
                .get(1)
                .map(|name| self.external(name, &segments[2..])),
            "crate" | "$crate" if !self.is_binary => crate_path(&segments[1..]),
            name if self.is_binary && name == self.library_name => crate_path(&segments[1..]),
            "super" | "self" => {
                let mut path = scope.clone();
                let mut rest = segments;
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            path.pop()?;
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                path.extend(rest.iter().cloned());
                Some(Target::Crate(path))
            }
            name => {
                // An alias from a `use` in this scope or an enclosing one of the file.
                let mut enclosing = scope.clone();
                loop {
                    if let Some(path) = self.aliases.get(&(enclosing.clone(), name.to_owned())) {
                        let mut full = path.clone();
                        full.extend(segments[1..].iter().cloned());
                        if depth > 8 || full.first().is_some_and(|f| f == name) && path.len() == 1 {
                            break;
                        }
                        return self.resolve_depth(&enclosing, &full, true, depth + 1);
                    }
                    if enclosing.pop().is_none() {
                        break;
                    }
                }
                // A child module of the scope.
                let mut child = scope.clone();
                child.push(name.to_owned());
                if self.modules.contains(&child) {
                    let mut path = scope.clone();
                    path.extend(segments.iter().cloned());
                    return Some(Target::Crate(path));
                }
                // Another crate: certain in a `use`; in code only for a lower-case name.
                let looks_like_crate = name.chars().next().is_some_and(|c| c.is_lowercase());
                (in_use || looks_like_crate).then(|| self.external(name, &segments[1..]))
            }
        }
    }

    fn external(&self, name: &str, rest: &[String]) -> Target {
        if self.is_binary && name == self.library_name {
            Target::Crate(rest.to_vec())
        } else {
            Target::External(name.to_owned())
        }
    }
}

/// The module of the crate that `path` (a full item path) lies in: its longest prefix
/// that is a module.
pub fn module_containing(path: &[String], modules: &BTreeSet<ModulePath>) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}
