//! CLI tests: the real `newsclean` binary run on folders built in temp dirs, with stdout parsed
//! into records (see `util.rs`), plus property tests of the library. One test binary, a module per
//! topic, so linking happens once.

#[path = "../../benches/corpus/mod.rs"]
mod corpus;
mod texts;
mod util;

mod boilerplate;
mod cluster;
mod commands;
mod determinism;
mod fix;
mod hostile;
mod inputs;
mod output;
mod props;
mod seeds;
mod state;
