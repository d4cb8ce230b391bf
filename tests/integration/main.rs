//! The integration tests: one binary (as in ripgrep) that runs `roster` on fixture sites.

mod support;

mod browser;
mod build;
mod calls;
mod check;
mod ci_example;
mod columns;
mod data;
mod history;
mod hostile;
mod incremental;
mod limits;
pub mod print;
pub mod serve;
mod serve_load;
mod validity;
