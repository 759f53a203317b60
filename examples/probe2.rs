use newsclean::repair::{RepairOptions, fix};
fn main() {
    let text = std::fs::read_to_string("fixtures/repair/multilingual.txt").unwrap();
    let line = text.lines().next().unwrap();
    let (d, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(line.as_bytes());
    let opts = RepairOptions::default();
    for _ in 0..100000 {
        std::hint::black_box(fix(&d, &opts));
    }
}
