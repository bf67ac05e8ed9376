//! Forms as a browser sends them: read from a page (text boxes, text areas, the selected
//! option, checked boxes and radios, hidden fields; no submit buttons), changed, and posted.

use super::app::Browser;

/// One `<form>` of a page, with the fields a browser would send from it as shown.
#[derive(Clone, Debug)]
pub struct PageForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// The names of its hidden fields.
    pub hidden: Vec<String>,
    /// The names of its radios, checkboxes and selects.
    pub choices: Vec<String>,
    /// The names of its checkboxes (sent only when ticked).
    pub checkboxes: Vec<String>,
}

impl PageForm {
    /// The first field called `name` set to `value` (the others of that name dropped), or
    /// added.
    pub fn set(mut self, name: &str, value: &str) -> PageForm {
        let mut seen = false;
        self.fields.retain_mut(|(n, v)| {
            if n != name {
                return true;
            }
            let first = !seen;
            seen = true;
            if first {
                *v = value.to_owned();
            }
            first
        });
        if !seen {
            self.fields.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Every field called `name` left out.
    pub fn without(&self, name: &str) -> PageForm {
        let mut form = self.clone();
        form.fields.retain(|(n, _)| n != name);
        form
    }

    /// The names it sends, each once, in page order (the CSRF token aside).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (name, _) in &self.fields {
            if name != "csrf_token" && !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }

    /// Every box emptied, as someone deleting all they see would send it (hidden fields,
    /// checked radios and selects keep their values: those cannot be emptied by hand).
    pub fn cleared(mut self) -> PageForm {
        for (name, value) in &mut self.fields {
            if !self.hidden.contains(name) && !self.choices.contains(name) {
                value.clear();
            }
        }
        self
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every form in `html`, in page order.
pub fn forms_in(html: &str) -> Vec<PageForm> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let end = after.find("</form>").unwrap_or(after.len());
        let (tag, _) = tag_at(after);
        let mut form = PageForm {
            action: attribute(tag, "action").unwrap_or_default(),
            fields: Vec::new(),
            hidden: Vec::new(),
            choices: Vec::new(),
            checkboxes: Vec::new(),
        };
        read_fields(&after[..end], &mut form);
        forms.push(form);
        rest = &after[end..];
    }
    forms
}

fn read_fields(body: &str, form: &mut PageForm) {
    let fields = &mut form.fields;
    let mut at = 0;
    while let Some(offset) = body[at..].find('<') {
        let here = &body[at + offset..];
        let (tag, tag_len) = tag_at(here);
        let next = at + offset + tag_len.max(1);
        let Some(name) = attribute(tag, "name") else {
            at = next;
            continue;
        };
        if tag.starts_with("<input") {
            let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
            let value = attribute(tag, "value").unwrap_or_default();
            let sent = match kind.as_str() {
                "submit" | "button" | "reset" | "file" | "image" => false,
                "checkbox" | "radio" => {
                    if kind == "checkbox" {
                        form.checkboxes.push(name.clone());
                    }
                    form.choices.push(name.clone());
                    has_flag(tag, "checked")
                }
                "hidden" => {
                    form.hidden.push(name.clone());
                    true
                }
                _ => true,
            };
            if sent {
                fields.push((name, value));
            }
        } else if tag.starts_with("<textarea") {
            let content = &here[tag_len..];
            let close = content.find("</textarea>").unwrap_or(content.len());
            let text = content[..close]
                .strip_prefix('\n')
                .unwrap_or(&content[..close]);
            fields.push((name, unescape(text)));
        } else if tag.starts_with("<select") {
            let content = &here[tag_len..];
            let close = content.find("</select>").unwrap_or(content.len());
            let options: Vec<&str> = content[..close]
                .split("<option")
                .skip(1)
                .map(|o| &o[..o.find('>').unwrap_or(o.len())])
                .collect();
            let chosen = options
                .iter()
                .find(|o| has_flag(o, "selected"))
                .or(options.first());
            if let Some(option) = chosen {
                fields.push((name.clone(), attribute(option, "value").unwrap_or_default()));
            }
            form.choices.push(name);
        }
        at = next;
    }
}

/// The tag starting at `html` (up to and including its `>`) and its length.
fn tag_at(html: &str) -> (&str, usize) {
    let end = html.find('>').map_or(html.len(), |i| i + 1);
    (&html[..end], end)
}

/// An attribute's value (the templates always quote them with `"`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// A bare attribute such as `checked`.
fn has_flag(tag: &str, name: &str) -> bool {
    let tag = tag.trim_end_matches('>');
    tag.split([' ', '\n', '\t'])
        .any(|part| part == name || part.starts_with(&format!("{name}>")))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

impl Browser {
    /// The form on `page` that posts to `action`.
    pub async fn form_on(&self, page: &str, action: &str) -> PageForm {
        let (status, html) = self.get_text(page).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{page}");
        forms_in(&html)
            .into_iter()
            .find(|f| f.action == action)
            .unwrap_or_else(|| panic!("no form posting to {action} on {page}"))
    }

    /// Posts `form` as it stands (with the CSRF token it was shown with).
    pub async fn submit(&self, form: &PageForm) -> reqwest::Response {
        self.client
            .post(self.url(&form.action))
            .form(&form.fields)
            .send()
            .await
            .expect("request")
    }
}
