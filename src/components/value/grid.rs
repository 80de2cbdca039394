//! The R × F grid: each cell's customers, share and mean monetary value, painted by segment (in
//! white or black, whichever reads better on the segment's colour).

use leptos::prelude::*;
use segscope_charts::contrast::ink_on;
use segscope_engine::api::{Request, RfmView};

use super::Value;

/// The grid; a click shows the cell's customers, or paints it with the chosen segment.
#[component]
pub fn RfmGrid(
    /// The workspace state.
    value: Value,
    /// The result.
    view: RfmView,
) -> impl IntoView {
    let b = usize::from(view.bins);
    let colour = |seg: Option<usize>| {
        seg.and_then(|i| view.map.segments.get(i)).and_then(|s| s.color.clone()).unwrap_or_else(|| "#dddddd".into())
    };
    let name =
        |seg: Option<usize>| seg.and_then(|i| view.map.segments.get(i)).map(|s| s.name.clone()).unwrap_or_default();
    let rows: Vec<Vec<_>> = view.grid.chunks(b).map(|c| c.to_vec()).collect();
    view! {
        <table id="rfm-grid" class="rfm-grid">
            <caption>"Recency score (rows) by frequency score (columns): customers, share, mean monetary; colour = named segment"</caption>
            <thead><tr><th scope="col">"R \\ F"</th>{(1..=b).map(|f| view! { <th scope="col">{format!("F{f}")}</th> }).collect_view()}</tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let r = row.first().map_or(0, |c| c.r);
                    view! {
                        <tr>
                            <th scope="row">{format!("R{r}")}</th>
                            {row.into_iter().map(|cell| {
                                let (r, f) = (cell.r, cell.f);
                                let seg_name = name(cell.segment);
                                let (seg_attr, seg_title) = (seg_name.clone(), seg_name.clone());
                                let fill = colour(cell.segment);
                                let ink = ink_on(&fill);
                                let click = move |_| match value.paint.get_untracked() {
                                    Some(p) => value.edit_map(move |m| {
                                        let uses_m = m.segments.get(p).is_some_and(|s| !s.m.is_empty_list());
                                        if uses_m {
                                            // A segment that also uses M takes the cell on top of its owner: toggle it.
                                            if let Some(s) = m.segments.get_mut(p) {
                                                if s.cells.contains(&[r, f]) {
                                                    s.cells.retain(|c| *c != [r, f]);
                                                } else {
                                                    s.cells.push([r, f]);
                                                }
                                            }
                                            return;
                                        }
                                        for s in m.segments.iter_mut().filter(|s| s.m.is_empty_list()) {
                                            s.cells.retain(|c| *c != [r, f]);
                                        }
                                        if let Some(s) = m.segments.get_mut(p) {
                                            s.cells.push([r, f]);
                                        }
                                    }),
                                    None => {
                                        let Some(dataset) = value.app.dataset.get_untracked().map(|d| d.id) else { return };
                                        value.show(format!("Customers in R{r} F{f}"), Request::RfmCell { dataset, r, f, limit: 20 });
                                    }
                                };
                                view! {
                                    <td>
                                        <button type="button" class="cell" data-r=r.to_string() data-f=f.to_string() data-segment=seg_attr
                                            style:background-color=fill style:color=ink title=seg_title on:click=click>
                                            // The visible text is the button's name (WCAG 2.5.3), with the cell and "customers" for screen readers.
                                            <span class="visually-hidden">{format!("R{r} F{f}: ")}</span>
                                            <span class="count">{cell.count}</span>
                                            <span class="visually-hidden">" customers, "</span>
                                            <span class="share">{format!("{:.1}%", cell.share * 100.0)}</span>
                                            <span class="money">{cell.mean_monetary.map(|m| format!("∅ {m:.0}")).unwrap_or_default()}</span>
                                            <span class="segment-name">{seg_name}</span>
                                        </button>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
