//! CLI tests: the real `newsclean` binary, one module per topic.

mod fix;
