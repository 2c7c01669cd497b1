//! Every answer under `tests/corpus/` (as `check-upstream --record` keeps them) is read by
//! the adapter's own readers without losing an entry.

use tableorder_proxy::upstream::observe::{paths, replay};

#[test]
fn every_recorded_answer_reads_back_whole() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).expect("the corpus") {
        let path = entry.expect("a corpus file").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let replayed = replay(&doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(replayed.skipped, 0, "{}: entries skipped", path.display());
        // A list of tables or orders is read whole; a menu may hide items on purpose.
        if [paths::TABLES, paths::TABLE_ORDERS, paths::STORE_ORDERS]
            .contains(&replayed.path.as_str())
        {
            assert_eq!(replayed.listed, Some(replayed.read), "{}", path.display());
        }
        read += 1;
    }
    assert!(read >= 3, "the corpus holds at least the observed answers");
}
