//! The integration tests: one binary (as in ripgrep) that runs `roster` on fixture sites.

mod support;

mod build;
mod check;
mod history;
mod print;
