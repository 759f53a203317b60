//! CLI tests: the real `newsclean` binary on inputs in a temporary directory.

mod cluster;
