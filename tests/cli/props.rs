//! Property tests of the library: decoding and per-file stages never panic on any bytes, and a
//! run's output does not depend on the number of threads.

use std::path::Path;

use newsclean::{Config, decode, pipeline, read};
use proptest::prelude::*;

use crate::corpus::write_corpus;
use crate::determinism::test_pool;

/// Bytes that look like what lands in a scrape folder: random, or random after a BOM or a magic
/// number, or text with stray high bytes and NULs.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        Just(Vec::new()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(vec![0xFE, 0xFF]),
        Just(b"%PDF-".to_vec()),
        Just(vec![0x1F, 0x8B]),
    ];
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        "[ -~\n\r\táéžā€™“”]{0,300}".prop_map(String::into_bytes),
        prop::collection::vec(prop_oneof![Just(0u8), 0x20u8..0x7F, 0x80u8..=0xFF], 0..400),
    ];
    (prefix, body).prop_map(|(mut p, b)| {
        p.extend(b);
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn decoding_any_bytes_never_panics_and_leaves_no_cr(bytes in file_bytes()) {
        let decoded = decode::decode_bytes(&bytes);
        prop_assert!(!decoded.text.contains('\r'));
        prop_assert!(!decoded.encoding.is_empty());
        let _ = read::sniff_binary(&bytes);
    }

    #[test]
    fn per_file_stages_never_panic(bytes in file_bytes()) {
        let cfg = Config { explain: true, ..Config::default() };
        if let Ok(article) = pipeline::process_bytes(Path::new("x.txt"), &bytes, &cfg) {
            prop_assert_eq!(article.bytes, bytes.len() as u64);
            prop_assert!(article.title.as_deref().is_none_or(|t| !t.contains('\n')));
        }
    }
}

fn ingest_bytes(dir: &Path, cfg: &Config) -> Vec<u8> {
    let inputs = read::collect_inputs(&[dir.to_path_buf()], cfg);
    let mut out = Vec::new();
    pipeline::ingest(&inputs, cfg, &mut out, &|_| {}).expect("writing to a Vec cannot fail");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn output_does_not_depend_on_thread_count(
        seed in any::<u64>(),
        n in 1usize..40,
        extra in prop::collection::vec(file_bytes(), 0..6),
        dedup in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        write_corpus(dir.path(), n, seed, &test_pool()).expect("corpus");
        for (i, bytes) in extra.iter().enumerate() {
            std::fs::write(dir.path().join(format!("odd-{i}.txt")), bytes).expect("write");
        }
        let one = ingest_bytes(dir.path(), &Config { jobs: 1, dedup, ..Config::default() });
        let two = ingest_bytes(dir.path(), &Config { jobs: 2, dedup, ..Config::default() });
        prop_assert!(!one.is_empty());
        prop_assert!(one == two, "jobs 1 and 2 differ");
    }
}
