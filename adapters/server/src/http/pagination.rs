//! Pagination of SPEC §3: 50 per page, `pageIndex` from 1, and the full relative URIs of the
//! previous, next and current pages (other query parameters kept, in order).

use super::error::ApiError;
use axum::http::Uri;
use serde::Serialize;
use utoipa::ToSchema;

pub const PAGE_SIZE: u64 = 50;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based.
    pub index: u64,
    pub size: u64,
}

impl Page {
    /// `pageIndex` as given (absent = 1); 0 → 400.
    pub fn from_index(page_index: Option<u64>) -> Result<Page, ApiError> {
        let index = page_index.unwrap_or(1);
        if index == 0 || index > 1_000_000 {
            return Err(ApiError::invalid(
                "pageIndex",
                "must be between 1 and 1000000",
            ));
        }
        Ok(Page {
            index,
            size: PAGE_SIZE,
        })
    }

    pub fn offset(self) -> u64 {
        (self.index - 1) * self.size
    }

    /// The links for this page of `total` items, relative to the request `uri`.
    pub fn links(self, uri: &Uri, total: u64) -> PageLinks {
        let last = total.div_ceil(self.size).max(1);
        PageLinks {
            total,
            previous_page: (self.index > 1).then(|| page_uri(uri, (self.index - 1).min(last))),
            next_page: (self.index < last).then(|| page_uri(uri, self.index + 1)),
            current_page: page_uri(uri, self.index),
        }
    }
}

/// Paging fields that sit next to a list in its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageLinks {
    /// Number of matching items over all pages.
    pub total: u64,
    /// URI of the previous page; null on the first.
    pub previous_page: Option<String>,
    /// URI of the next page; null on the last.
    pub next_page: Option<String>,
    pub current_page: String,
}

/// `uri` with `pageIndex` set to `index` (replacing any `pageIndex`, case-insensitively).
fn page_uri(uri: &Uri, index: u64) -> String {
    let mut params: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            !key.eq_ignore_ascii_case("pageIndex")
        })
        .collect();
    let page = format!("pageIndex={index}");
    params.push(&page);
    format!("{}?{}", uri.path(), params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_other_parameters() {
        let uri: Uri = "/api/v3/contacts?keywords=a%20b&pageIndex=2"
            .parse()
            .unwrap();
        let links = Page::from_index(Some(2)).unwrap().links(&uri, 120);
        assert_eq!(
            links.previous_page.as_deref(),
            Some("/api/v3/contacts?keywords=a%20b&pageIndex=1")
        );
        assert_eq!(
            links.next_page.as_deref(),
            Some("/api/v3/contacts?keywords=a%20b&pageIndex=3")
        );
        assert_eq!(
            links.current_page,
            "/api/v3/contacts?keywords=a%20b&pageIndex=2"
        );
    }

    #[test]
    fn ends_have_no_links() {
        let uri: Uri = "/x".parse().unwrap();
        let first = Page::from_index(None).unwrap().links(&uri, 50);
        assert_eq!((first.previous_page, first.next_page), (None, None));
        let last = Page::from_index(Some(3)).unwrap().links(&uri, 101);
        assert_eq!(last.next_page, None);
        assert_eq!(last.previous_page.as_deref(), Some("/x?pageIndex=2"));
        assert_eq!(Page::from_index(Some(3)).unwrap().offset(), 100);
    }

    #[test]
    fn page_zero_is_rejected() {
        assert!(Page::from_index(Some(0)).is_err());
    }
}
