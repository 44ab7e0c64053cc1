//! Stage timings on stderr when `ALLYWAR_TIMINGS` is set: how profiles of a build or a fit are
//! read (`timing: estimate: design   41.0 ms`). A bottom utility every layer may use.

/// A running stage (a no-op unless `ALLYWAR_TIMINGS` is set).
pub struct Stage(Option<std::time::Instant>);

impl Stage {
    /// Starts timing.
    pub fn start() -> Stage {
        Stage(std::env::var_os("ALLYWAR_TIMINGS").map(|_| std::time::Instant::now()))
    }

    /// Reports the time since [`Stage::start`].
    pub fn done(self, what: &str) {
        if let Some(t) = self.0 {
            eprintln!("timing: {what:<20} {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
    }
}
