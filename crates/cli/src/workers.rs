//! A transactions file's parts added up on every core. The engine cuts the file into parts at
//! record boundaries and puts their totals together in file order (so the result is the same,
//! to the byte, for any number of threads); this runs the parts on threads.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use std::future::Future;
use std::pin::Pin;

use segscope_engine::customers::{InOrder, PartReader, PartTotals, Workers};
use segscope_engine::ingest::RecordChunk;

/// Parts added up on `threads` threads (one per core by default).
#[derive(Debug, Clone, Copy)]
pub struct Threads {
    threads: usize,
}

impl Default for Threads {
    fn default() -> Self {
        Threads { threads: std::thread::available_parallelism().map_or(1, NonZeroUsize::get) }
    }
}

impl Threads {
    /// Parts added up on `threads` threads (1: on this thread).
    #[cfg(test)]
    pub fn new(threads: usize) -> Self {
        Threads { threads: threads.max(1) }
    }
}

impl Workers for Threads {
    fn run<'a>(
        &'a mut self,
        next: &'a mut dyn FnMut() -> Option<RecordChunk>,
        reader: &'a PartReader,
        done: &'a mut dyn FnMut(PartTotals) -> bool,
    ) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
        // The work is done before the future is polled to its end: it never waits.
        let threads = self.threads;
        Box::pin(async move { on_threads(threads, next, reader, done) })
    }
}

/// Adds up the parts on `threads` threads, handing the totals to `done` in file order.
fn on_threads(
    threads: usize,
    next: &mut dyn FnMut() -> Option<RecordChunk>,
    reader: &PartReader,
    done: &mut dyn FnMut(PartTotals) -> bool,
) {
    if threads <= 1 {
        return InOrder::run_now(next, reader, done);
    }
    std::thread::scope(|scope| {
        let (jobs, job_queue) = mpsc::sync_channel::<(u64, RecordChunk)>(threads);
        let job_queue = Arc::new(Mutex::new(job_queue));
        let (results, result_queue) = mpsc::channel::<(u64, PartTotals)>();
        for _ in 0..threads {
            let (queue, results) = (Arc::clone(&job_queue), results.clone());
            scope.spawn(move || loop {
                let job = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(_) => return,
                };
                let Ok((index, chunk)) = job else { return };
                if results.send((index, reader.add_up(&chunk))).is_err() {
                    return;
                }
            });
        }
        drop(results);
        // Parts in flight at most: enough to keep every thread busy, few enough to bound memory.
        let limit = 2 * threads as u64;
        let (mut sent, mut handed, mut more) = (0u64, 0u64, true);
        let mut waiting: BTreeMap<u64, PartTotals> = BTreeMap::new();
        loop {
            while more && sent - handed < limit {
                match next().map(|chunk| jobs.send((sent, chunk))) {
                    Some(Ok(())) => sent += 1,
                    _ => more = false,
                }
            }
            if handed == sent {
                return;
            }
            let Ok((index, totals)) = result_queue.recv() else { return };
            waiting.insert(index, totals);
            while let Some(totals) = waiting.remove(&handed) {
                handed += 1;
                if !done(totals) {
                    return; // dropping the queues stops the threads after their current part
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use segscope_engine::customers::{choose_mapping, read_transactions_on, MappingOverrides};
    use segscope_engine::ingest::ReadOptions;
    use segscope_engine::progress::Quiet;
    use segscope_engine::sample::{sample_csv, SampleParams};

    /// Threads with small parts, so a small file has many.
    struct Small(Threads);

    impl Workers for Small {
        fn chunk_bytes(&self) -> usize {
            4096
        }
        fn run<'a>(
            &'a mut self,
            next: &'a mut dyn FnMut() -> Option<RecordChunk>,
            reader: &'a PartReader,
            done: &'a mut dyn FnMut(PartTotals) -> bool,
        ) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
            self.0.run(next, reader, done)
        }
    }

    #[test]
    fn every_thread_count_gives_the_same_aggregates() {
        let params = SampleParams { customers: 3000u64.into(), ..SampleParams::default() }.check().unwrap();
        let (_, bytes) = sample_csv(&params).unwrap(); // its transactions
        let read = |threads: usize| {
            let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
            let r = segscope_engine::waiting::now(read_transactions_on(
                "t.csv",
                bytes.as_slice(),
                bytes.len() as u64,
                &ReadOptions::default(),
                500,
                choose,
                &mut Small(Threads::new(threads)),
                &mut Quiet,
            ))
            .unwrap();
            (format!("{:?}", r.aggregates), r.sample.diagnostics)
        };
        let one = read(1);
        assert!(one.1.rows > 10_000, "{} rows: many parts", one.1.rows);
        for threads in [2, 3, 8] {
            assert_eq!(read(threads), one, "{threads} threads");
        }
    }
}
