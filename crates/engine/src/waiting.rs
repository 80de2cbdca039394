//! Finishing a future on this thread, for hosts that call the engine without an async runtime.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs `future` to its end on this thread and returns its output.
///
/// For the engine's own futures driven by workers that do their work before they return (the
/// engine's [`crate::customers::InOrder`], the command line's threads): those finish at the first
/// poll. A future that waits on another thread is polled again until it is ready.
pub fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_future_gives_its_output() {
        assert_eq!(now(async { 6 * 7 }), 42);
    }

    #[test]
    fn a_future_that_waits_once_is_polled_again() {
        let mut waited = false;
        let future = std::future::poll_fn(move |_| {
            if waited {
                Poll::Ready("done")
            } else {
                waited = true;
                Poll::Pending
            }
        });
        assert_eq!(now(future), "done");
    }
}
