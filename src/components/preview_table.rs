//! Rows as written in the file.

use leptos::prelude::*;
use segscope_engine::api::PreviewRows;

/// The most columns a preview shows: a file of 100,000 columns stays usable.
const MAX_COLUMNS: usize = 50;

/// A table of rows with their line numbers in the file.
#[component]
pub fn PreviewTable(
    /// The rows to show.
    rows: PreviewRows,
    /// The table element's id.
    id: &'static str,
) -> impl IntoView {
    let PreviewRows { header, rows } = rows;
    let more = header.len().saturating_sub(MAX_COLUMNS);
    let more_note = (more > 0).then(|| format!("… {more} more columns"));
    let more_cell = move || more_note.clone().map(|n| view! { <th scope="col" class="more">{n}</th> });
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Preview of the rows">
            <table id=id class="preview">
                <thead>
                    <tr>
                        <th scope="col" class="line">"line"</th>
                        {header.into_iter().take(MAX_COLUMNS).map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                        {more_cell()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(line, fields)| {
                            view! {
                                <tr>
                                    <td class="line">{line}</td>
                                    {fields.into_iter().take(MAX_COLUMNS).map(|f| view! { <td>{f}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
