//! Every article in `fixtures/boilerplate/` against its `.expected` file (fields and body), and
//! cross-document evidence on a generated multi-site batch. All mismatches are reported at once.

use std::fmt::Write as _;
use std::path::Path;

use crate::boilerplate::repeats::{RepeatCounter, article_keys};
use crate::{Config, process_bytes};

fn field(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

#[test]
fn fixtures_come_out_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/boilerplate");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/boilerplate exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "fixtures missing");
    let cfg = Config::default();
    let mut report = String::new();
    for path in &names {
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .expect("every fixture has an .expected file");
        let (head, body) = expected
            .split_once("---\n")
            .expect("expected has a --- line");
        let article = process_bytes(path, &std::fs::read(path).expect("readable"), &cfg)
            .expect("fixture is an article");
        let published = article
            .published
            .as_ref()
            .and_then(|p| p.iso.clone())
            .unwrap_or_else(|| "-".into());
        for line in head.lines() {
            let (key, want) = line.split_once(": ").expect("key: value");
            let got = match key {
                "title" => field(&article.title),
                "byline" => field(&article.byline),
                "subtitle" => field(&article.subtitle),
                "published" => published.clone(),
                _ => panic!("unknown field {key}"),
            };
            if got != want {
                let _ = writeln!(
                    report,
                    "{}: {key}: got {got:?}, want {want:?}",
                    path.display()
                );
            }
        }
        let want_body: Vec<&str> = body.lines().collect();
        if article.paragraphs != want_body {
            let _ = writeln!(
                report,
                "{}: body differs\n  got:  {:#?}\n  want: {:#?}",
                path.display(),
                article.paragraphs,
                want_body
            );
        }
    }
    assert!(report.is_empty(), "fixture mismatches:\n{report}");
}

#[test]
fn seed_001_loses_its_chrome_and_keeps_every_sentence() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/001_f06ff5cc57efea97.txt");
    let bytes = std::fs::read(&path).expect("seed exists");
    let article = process_bytes(&path, &bytes, &Config::default()).expect("an article");
    let body = article.body();
    for chrome in [
        "Stay up to date with notifications",
        "Notifications can be managed",
        "Your support helps us",
        "From reproductive rights",
        "At such a critical moment",
        "The Independent is trusted",
        "Your support makes all the difference",
        "Thank you for registering",
        "Please refresh the page",
    ] {
        assert!(!body.contains(chrome), "left in: {chrome}");
    }
    assert_eq!(article.paragraphs.len(), 11, "{:#?}", article.paragraphs);
    assert!(body.starts_with("South Korean Defense Minister Shin Won-sik says"));
    assert!(body.contains("Marles added."));
    assert_eq!(article.byline.as_deref(), Some("Rod McGuirk"));
    assert!(
        article
            .subtitle
            .as_deref()
            .is_some_and(|s| s.starts_with("South Korean Defense Minister Shin Won-sik says"))
    );
    assert_eq!(
        article.title.as_deref(),
        Some(
            "South Korea considers joining alliance for sharing military technology with Australia, US and UK"
        )
    );
    let published = article.published.expect("dated");
    assert_eq!(published.iso.as_deref(), Some("2024-05-01T02:26:00-04:00"));
    assert_eq!(published.raw, "Wednesday 01 May 2024 02:26 EDT");
}

#[test]
fn seed_000_loses_reply_and_post_navigation() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/000_a6377cb92c79f485.txt");
    let bytes = std::fs::read(&path).expect("seed exists");
    let article = process_bytes(&path, &bytes, &Config::default()).expect("an article");
    let body = article.body();
    assert!(!body.contains("Leave a Reply"));
    assert!(!body.contains("Previous post") && !body.contains("Next post"));
    assert_eq!(article.paragraphs.len(), 5, "{:#?}", article.paragraphs);
    assert!(body.ends_with("among these four nations."));
}

/// Ten sites, each with twelve different stories sharing the site's chrome lines (one long
/// newsletter blurb among them), every story saved twice. Chrome goes, story text stays.
#[test]
fn lines_repeated_across_stories_are_chrome_copies_are_not() {
    let mut files: Vec<String> = Vec::new();
    for site in 0..10 {
        for story in 0..12 {
            let text = format!(
                "Site {site} Daily\n\
                 Story {story} of site {site}: council approves plan number {story}\n\
                 The council of district {story} in region {site} approved the plan on Monday after a debate that lasted most of the afternoon and evening.\n\
                 Officials said work on project {story} for region {site} would begin within weeks and last until the end of next year at least.\n\
                 Get the Site {site} Daily briefing every morning: the news you need, the stories you missed, and more, straight to you.\n\
                 Reuter\n"
            );
            files.push(text.clone());
            files.push(text);
        }
    }
    let mut counter = RepeatCounter::default();
    for text in &files {
        let lines: Vec<&str> = text.lines().collect();
        counter.add(&article_keys(&lines));
    }
    let counts = counter.finish();
    let cfg = Config::default();
    let lines: Vec<&str> = files[4].lines().collect();
    let verdicts = super::classify(&lines, &cfg.boilerplate, Some(&counts));
    let reasons: Vec<Option<&str>> = verdicts.iter().map(|v| v.reason.as_deref()).collect();
    assert_eq!(reasons[0], Some("repeated in 12 stories"));
    assert!(verdicts[2].keep && verdicts[3].keep, "{reasons:?}");
    assert_eq!(reasons[4], Some("repeated in 12 stories"));
    assert_eq!(reasons[5], Some("repeated in 120 stories"));
}
