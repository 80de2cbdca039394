//! The workspaces and their URLs (DECISIONS 20): the fragment names the workspace, so reload,
//! back and forward work; the query (`?sample`) stays the page's own.

/// A workspace of the app shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Import, columns, preview, transactions.
    Data,
    /// Split by one column.
    Split,
    /// Rule segments.
    Rules,
    /// RFM scores and named segments.
    Rfm,
    /// k-means clusters of chosen features.
    Clusters,
    /// Customer lifetime value.
    Clv,
    /// Profiles, KPIs, typical customers and niches of any segmentation.
    Profiles,
    /// Every segmentation: list, current, downloads.
    Segmentations,
}

impl Route {
    /// Every workspace, in the navigation's order.
    pub const ALL: [Route; 8] = [
        Route::Data,
        Route::Split,
        Route::Rules,
        Route::Rfm,
        Route::Clusters,
        Route::Clv,
        Route::Profiles,
        Route::Segmentations,
    ];

    /// The workspace a URL fragment names (`#/segment/rules`); the data workspace for anything else.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/').trim_end_matches('/');
        Route::ALL.into_iter().find(|r| r.path() == path).unwrap_or(Route::Data)
    }

    /// The fragment's path, without `#/`.
    pub fn path(self) -> &'static str {
        match self {
            Route::Data => "data",
            Route::Split => "segment/split",
            Route::Rules => "segment/rules",
            Route::Rfm => "segment/rfm",
            Route::Clusters => "segment/clusters",
            Route::Clv => "value/clv",
            Route::Profiles => "profiles",
            Route::Segmentations => "segmentations",
        }
    }

    /// The link to it.
    pub fn href(self) -> String {
        format!("#/{}", self.path())
    }

    /// Its name in the navigation.
    pub fn label(self) -> &'static str {
        match self {
            Route::Data => "Data",
            Route::Split => "Split",
            Route::Rules => "Rules",
            Route::Rfm => "RFM",
            Route::Clusters => "Clusters",
            Route::Clv => "Lifetime value",
            Route::Profiles => "Profiles",
            Route::Segmentations => "Segmentations",
        }
    }

    /// The navigation group it belongs to, if any.
    pub fn group(self) -> Option<&'static str> {
        match self {
            Route::Split | Route::Rules | Route::Rfm | Route::Clusters => Some("Segment"),
            Route::Clv => Some("Value"),
            Route::Data | Route::Profiles | Route::Segmentations => None,
        }
    }

    /// The workspace the page's URL names now.
    pub fn current() -> Route {
        Route::from_hash(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default())
    }
}
