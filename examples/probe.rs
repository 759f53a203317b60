use newsclean::repair::{RepairOptions, fix};
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("fixtures/repair/multilingual.txt").unwrap();
    let pages = [
        encoding_rs::WINDOWS_1252,
        encoding_rs::WINDOWS_1257,
        encoding_rs::WINDOWS_1251,
    ];
    let opts = RepairOptions::default();
    for (i, line) in text.lines().enumerate() {
        for p in pages {
            let (d, _) = p.decode_without_bom_handling(line.as_bytes());
            let t = Instant::now();
            for _ in 0..200 {
                std::hint::black_box(fix(&d, &opts));
            }
            let ns = t.elapsed().as_nanos() as f64 / 200.0;
            let (out, _) = fix(&d, &opts);
            println!(
                "{:>8.0} ns {:>6.1} MB/s {} {} {}",
                ns,
                d.len() as f64 / ns * 1e3,
                i,
                p.name(),
                if out == line { "OK" } else { "WRONG" }
            );
        }
    }
}
