//! Times the value scanners on a file's cells (what reading does once per cell).
//!
//! `cargo run --release -p segscope-engine --example bench_values -- FILE.csv [REPEATS]` prints, per
//! column, the median time per cell of the number and date scanners in nanoseconds, and the median
//! time of the whole `read_table` in ms.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a measuring tool: fail loudly

use std::hint::black_box;
use std::time::Instant;

use segscope_engine::ingest::values::{date_shape, parse_int, parse_number, DecimalStyle};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let repeats: usize = args.get(2).map_or(5, |r| r.parse().unwrap());
    let bytes = std::fs::read(path).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let names: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    for record in reader.records() {
        for (c, field) in columns.iter_mut().zip(record.unwrap().iter()) {
            c.push(field.to_string());
        }
    }
    for (name, cells) in names.iter().zip(&columns) {
        let n = cells.len() as f64;
        let time = |f: &dyn Fn(&str) -> bool| {
            median(
                (0..repeats)
                    .map(|_| {
                        let t = Instant::now();
                        let mut ok = 0usize;
                        for c in cells {
                            ok += usize::from(f(black_box(c)));
                        }
                        black_box(ok);
                        t.elapsed().as_secs_f64() * 1e9 / n
                    })
                    .collect(),
            )
        };
        let int = time(&|s| parse_int(s, false).is_some());
        let dot = time(&|s| parse_number(s, DecimalStyle::Dot).is_some());
        let grouped = time(&|s| parse_number(s, DecimalStyle::DotGrouped).is_some());
        let date = time(&|s| date_shape(s).is_some());
        println!("{name:>12}: int {int:6.1} ns · decimal {dot:6.1} ns · grouped {grouped:6.1} ns · date {date:6.1} ns per cell");
    }
    let read = median(
        (0..repeats.min(3))
            .map(|_| {
                let t = Instant::now();
                black_box(read_table(path, &bytes, &ReadOptions::default(), &mut Quiet).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    );
    println!("read_table: {read:.0} ms for {} rows", columns.first().map_or(0, Vec::len));
}
