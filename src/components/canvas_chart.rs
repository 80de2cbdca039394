//! A chart drawn on a canvas by one of `segscope_charts`' drawing functions, with its PNG (the
//! canvas's pixels) and SVG (the same drawing, as vectors) downloads.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, SVGBackend};
use plotters_canvas::CanvasBackend;

use super::chart_backend::AnyBackend;
use crate::state::use_app;

/// Paints a chart on a drawing area (the page's canvas, or an SVG for the download), or says why
/// it could not.
pub type Draw = Box<dyn for<'a> Fn(DrawingArea<AnyBackend<'a>, Shift>) -> Result<(), String>>;

/// Where a chart's numbers are as a table (issue #17: every chart has a table alternative).
#[derive(Debug, Clone, PartialEq)]
pub enum ChartData {
    /// A table with the same numbers is already on the page beside the chart: its id.
    Beside(&'static str),
    /// The numbers, shown under the chart in a "Show the numbers" fold.
    Table(DataTable),
}

/// A chart's numbers as rows of text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataTable {
    /// What the table holds (its region's name).
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as many cells as headers; the first cell is the row's header.
    pub rows: Vec<Vec<String>>,
}

impl ChartData {
    /// The id of the table that holds the numbers of the chart `chart`.
    pub fn table_id(&self, chart: &str) -> String {
        match self {
            ChartData::Beside(id) => (*id).to_string(),
            ChartData::Table(_) => format!("{chart}-data"),
        }
    }
}

/// A chart's numbers under it, folded (or nothing, when a table beside it holds them).
#[component]
pub fn ChartNumbers(
    /// The chart's id (the table's is this followed by `-data`).
    chart: String,
    /// Where the numbers are.
    data: ChartData,
) -> impl IntoView {
    let ChartData::Table(table) = data else { return ().into_any() };
    let id = format!("{chart}-data");
    view! {
        <details class="chart-data">
            <summary>"Show the numbers"</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label=table.caption.clone()>
                <table id=id class="segments">
                    <thead><tr>{table.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {table.rows.into_iter().map(|row| {
                            let mut cells = row.into_iter();
                            let head = cells.next().unwrap_or_default();
                            view! {
                                <tr><th scope="row">{head}</th>{cells.map(|c| view! { <td class="num">{c}</td> }).collect_view()}</tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

/// The chart drawn as an SVG document of `size` pixels.
fn svg(draw: &Draw, size: (u32, u32)) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = AnyBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        draw(root)?;
    }
    Ok(out)
}

/// A canvas of `width` × `height` pixels that `draw` paints once mounted, with PNG and SVG
/// download buttons; `label` describes it for screen readers and names the buttons, and `data`
/// says where its numbers are as a table (the canvas is described by that table).
#[component]
pub fn CanvasChart(
    /// The canvas element's id, also the downloads' file name.
    id: String,
    /// Width in pixels.
    width: u32,
    /// Height in pixels.
    height: u32,
    /// What the chart shows, in words.
    label: String,
    /// Paints the chart.
    draw: Draw,
    /// Where its numbers are as a table.
    data: ChartData,
) -> impl IntoView {
    let app = use_app();
    let canvas = NodeRef::<Canvas>::new();
    let draw = StoredValue::new_local(draw);
    let name = id.clone();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if let Some(backend) = CanvasBackend::with_canvas_object(el) {
            if let Err(e) = draw.with_value(|d| d(AnyBackend::Canvas(backend).into_drawing_area())) {
                web_sys::console::warn_1(&format!("{name}: {e}").into());
            }
        }
    });
    let (png_name, svg_name) = (format!("{id}.png"), format!("{id}.svg"));
    let png = move |_| {
        let Some(el) = canvas.get_untracked() else { return };
        if let Err(e) = crate::download::save_canvas_png(&el, png_name.clone(), move |e| app.error.set(Some(e))) {
            app.error.set(Some(e));
        }
    };
    let vector = move |_| {
        let saved = draw
            .with_value(|d| svg(d, (width, height)))
            .and_then(|text| crate::download::save_text(&svg_name, &text, "image/svg+xml"));
        if let Err(e) = saved {
            app.error.set(Some(format!("Could not make {svg_name}: {e}")));
        }
    };
    let (png_label, svg_label) = (format!("Download as PNG: {label}"), format!("Download as SVG: {label}"));
    let described_by = data.table_id(&id);
    view! {
        <div class="chart-box">
            <canvas id=id.clone() class="chart" node_ref=canvas width=width.to_string() height=height.to_string() role="img" aria-label=label aria-describedby=described_by></canvas>
            <div class="chart-downloads">
                <button type="button" class="link chart-png" data-chart=id.clone() aria-label=png_label on:click=png>"PNG"</button>
                <button type="button" class="link chart-svg" data-chart=id.clone() aria-label=svg_label on:click=vector>"SVG"</button>
            </div>
        </div>
        <ChartNumbers chart=id data=data/>
    }
}
