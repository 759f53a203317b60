#!/usr/bin/env bash
# Runs the development-set scorers of ../shared/eval (when that folder sits next to the project)
# against target/release/newsclean, with the commands their READMEs give. A dev aid, not a test:
# `cargo test` never reads ../shared.
set -u
cd "$(dirname "$0")/.."
S=../shared/eval
B=target/release/newsclean
[ -d "$S" ] || { echo "eval.sh: no $S next to the project" >&2; exit 2; }
cargo build -q --release || exit 2
echo "== mojibake: ftfy cases"
python3 $S/mojibake/run_cases.py $S/mojibake/ftfy_cases.jsonl --target encoding --batch-cmd "$B fix --jsonl" 2>&1 | grep -E "^(group|TOTAL)"
echo "== mojibake: generated_dev"
python3 $S/mojibake/run_cases.py $S/mojibake/generated_dev.jsonl --batch-cmd "$B fix --jsonl" 2>&1 | grep -E "^(group|TOTAL)"
echo "== boilerplate"
python3 $S/boilerplate/score.py --cmd "$B ingest {dir} --no-dedup -q" --text-path body --file-path 'members.*.path' 2>&1 | tail -2
echo "== dedup"
out=$(mktemp)
$B ingest -q $S/dedup/dev/articles > "$out"
python3 $S/dedup/score.py $S/dedup/dev/gold.jsonl "$out" 2>&1 | head -4
rm -f "$out"
