//! Rows as written in the file.

use leptos::prelude::*;
use segscope_engine::api::PreviewRows;

/// A table of rows with their line numbers in the file.
#[component]
pub fn PreviewTable(
    /// The rows to show.
    rows: PreviewRows,
    /// The table element's id.
    id: &'static str,
) -> impl IntoView {
    let PreviewRows { header, rows } = rows;
    view! {
        <div class="table-scroll">
            <table id=id class="preview">
                <thead>
                    <tr>
                        <th scope="col" class="line">"line"</th>
                        {header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(line, fields)| {
                            view! {
                                <tr>
                                    <td class="line">{line}</td>
                                    {fields.into_iter().map(|f| view! { <td>{f}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
