//! The copy-paste CI pipeline of the README (`examples/ci/github-pages.yml`): valid YAML, the
//! jobs it promises, and the same text in the README.

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::repo;

fn workflow_text() -> String {
    std::fs::read_to_string(repo().join("examples/ci/github-pages.yml")).unwrap()
}

fn workflow() -> Yaml {
    let docs = YamlLoader::load_from_str(&workflow_text()).expect("examples/ci/github-pages.yml is valid YAML");
    assert_eq!(docs.len(), 1, "one YAML document");
    docs.into_iter().next().unwrap()
}

/// Every `run:` line of a job.
fn runs(job: &Yaml) -> Vec<String> {
    job["steps"].as_vec().expect("steps").iter().filter_map(|s| s["run"].as_str().map(str::to_owned)).collect()
}

fn uses(job: &Yaml) -> Vec<String> {
    job["steps"].as_vec().expect("steps").iter().filter_map(|s| s["uses"].as_str().map(str::to_owned)).collect()
}

#[test]
fn github_workflow_checks_pull_requests_and_publishes_main() {
    let w = workflow();
    let on = &w["on"];
    assert!(!on["pull_request"].is_badvalue(), "runs on pull requests");
    let branches: Vec<&str> = on["push"]["branches"].as_vec().unwrap().iter().filter_map(Yaml::as_str).collect();
    assert_eq!(branches, ["main"]);

    let jobs = &w["jobs"];
    let check = &jobs["check"];
    assert_eq!(check["if"].as_str(), Some("github.event_name == 'pull_request'"));
    assert!(runs(check).iter().any(|r| r == "roster check --format github"), "{:?}", runs(check));

    let build = &jobs["build"];
    assert_eq!(build["if"].as_str(), Some("github.event_name != 'pull_request'"));
    assert!(runs(build).iter().any(|r| r.starts_with("roster build")), "{:?}", runs(build));
    let upload = build["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/upload-pages-artifact@")));
    assert_eq!(upload.expect("uploads the site")["with"]["path"].as_str(), Some("public"));

    let deploy = &jobs["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    assert!(uses(deploy).iter().any(|u| u.starts_with("actions/deploy-pages@")));
    // Both jobs that run roster install the same pinned version.
    for job in [check, build] {
        assert!(runs(job).iter().any(|r| r.contains("cargo install --locked") && r.contains("$ROSTER_TAG")));
    }
}

#[test]
fn readme_shows_the_workflow_file_as_it_is() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = format!("```yaml\n{}```", workflow_text());
    assert!(readme.contains(&block), "README.md must quote examples/ci/github-pages.yml exactly, in a ```yaml block");
}
