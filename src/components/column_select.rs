//! Lists of columns that stay quick whatever the file's width: past [`LISTED`] columns only the
//! first [`LISTED`] that match a name search are put in the page (a file of 100,000 columns would
//! otherwise put 100,000 options in every column menu, and the page would take a minute to open it).

use leptos::prelude::*;

/// The most columns a list puts in the page at once; a search finds the others.
pub const LISTED: usize = 200;

/// The entries of `all` to put in the page for the search `find`: every one when there are at most
/// [`LISTED`], else the first [`LISTED`] whose name contains `find` (any case, spaces around it ignored). An entry `keep`
/// accepts (the chosen column, or one that is not a column) is listed whatever the search.
pub fn listed<T>(all: &[T], name: impl Fn(&T) -> &str, find: &str, keep: impl Fn(&T) -> bool) -> Vec<T>
where
    T: Clone,
{
    if all.len() <= LISTED {
        return all.to_vec();
    }
    let find = find.trim().to_lowercase();
    let mut found = 0usize;
    all.iter()
        .filter(|t| {
            if keep(t) {
                return true;
            }
            if found >= LISTED || !(find.is_empty() || name(t).to_lowercase().contains(&find)) {
                return false;
            }
            found += 1;
            true
        })
        .cloned()
        .collect()
}

/// A `<select>` of columns (label it with `<label for=id>`), with a search box beside it when the
/// file has more than [`LISTED`] columns. Options whose value is empty are not columns ("every
/// customer") and are always listed, as is the chosen one.
#[component]
pub fn ColumnSelect(
    /// The select's id (the search box's is this with `-find`).
    #[prop(into)]
    id: String,
    /// Every option, in order: (value, text); the search looks at the value, a column's name.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The value chosen.
    #[prop(into)]
    selected: Signal<String>,
    /// Called with the value the user picks.
    on_change: Callback<String>,
    /// A first, disabled option shown while nothing is chosen ("Choose a column…").
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// A class for the select.
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    let find = RwSignal::new(String::new());
    let many = move || options.with(|o| o.len() > LISTED);
    let find_id = format!("{id}-find");
    let rendered = move || {
        let chosen = selected.get();
        let text = find.get();
        let shown = options.with(|all| listed(all, |(v, _)| v.as_str(), &text, |(v, _)| v.is_empty() || *v == chosen));
        let empty =
            placeholder.map(|p| view! { <option value="" disabled=true selected=chosen.is_empty()>{p}</option> });
        let none_match = !text.trim().is_empty() && many() && shown.iter().all(|(v, _)| v.is_empty() || *v == chosen);
        let options = shown
            .into_iter()
            .map(|(value, label)| {
                let is = value == chosen;
                view! { <option value=value selected=is>{label}</option> }
            })
            .collect_view();
        let none = none_match
            .then(|| view! { <option value="" disabled=true>{format!("no column matches “{text}”")}</option> });
        (empty, options, none)
    };
    view! {
        <select id=id class=class on:change=move |ev| on_change.run(event_target_value(&ev))>{rendered}</select>
        <Show when=many>
            <label class="visually-hidden" for=find_id.clone()>"Find a column"</label>
            <input type="search" id=find_id.clone() class="column-find" placeholder="Find a column…" size="14"
                title=move || format!("{} columns: the menu lists the first {LISTED} that match what you type", options.with(Vec::len))
                prop:value=move || find.get() on:input=move |ev| find.set(event_target_value(&ev))/>
        </Show>
    }
}

/// Shown when there are more than [`LISTED`] items: how many, what is shown of them, and a search
/// box (the paragraph's id is `{id}-many`, the box's `{id}-find`).
#[component]
pub fn FindAmongMany(
    /// The ids' start.
    id: &'static str,
    /// What the items are, in the singular ("column").
    noun: &'static str,
    /// How many there are.
    #[prop(into)]
    total: Signal<usize>,
    /// What is shown of them ("the first 200 that match are shown").
    #[prop(into)]
    shows: String,
    /// What is typed in the box.
    find: RwSignal<String>,
) -> impl IntoView {
    view! {
        <Show when=move || { total.get() > LISTED }>
            <p class="hint" id=format!("{id}-many")>
                {let shows = shows.clone(); move || format!("{} {noun}s: {shows}. ", total.get())}
                <label>
                    {format!("Find a {noun} ")}
                    <input type="search" id=format!("{id}-find") prop:value=move || find.get()
                        on:input=move |ev| find.set(event_target_value(&ev))/>
                </label>
            </p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i}")).collect()
    }

    #[test]
    fn a_narrow_file_lists_every_column() {
        let all = names(LISTED);
        assert_eq!(listed(&all, String::as_str, "zzz", |_| false), all);
    }

    #[test]
    fn a_wide_file_lists_the_first_matches_and_the_chosen_one() {
        let all = names(100_000);
        let shown = listed(&all, String::as_str, "", |c| c == "c99999");
        assert_eq!(shown.len(), LISTED + 1);
        assert_eq!(shown.last().map(String::as_str), Some("c99999"));
        let found = listed(&all, String::as_str, " C9999 ", |_| false);
        assert_eq!(
            found,
            [
                "c9999", "c99990", "c99991", "c99992", "c99993", "c99994", "c99995", "c99996", "c99997", "c99998",
                "c99999"
            ]
        );
    }
}
