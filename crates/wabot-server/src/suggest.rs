//! "Did you mean …?": the nearest of some names to a mistyped one, by edit distance (case ignored),
//! when it is near enough to be a plausible typo.

/// The edit distance (insertions, deletions, substitutions) between `a` and `b`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate nearest to `wrong`, if it is within about half of `wrong`'s length or one is a
/// part of the other (`admin.token` → `admin.api_token`).
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let lower = candidate.to_lowercase();
            let contained = lower.contains(&wrong) || wrong.contains(&lower);
            (distance(&wrong, &lower), contained, candidate)
        })
        .filter(|(d, contained, _)| *contained || *d <= wrong.chars().count().div_ceil(2))
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, _, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        let keys = ["admin.api_token", "server.bind", "log.level"];
        assert_eq!(nearest("admin.token", keys), Some("admin.api_token"));
        assert_eq!(nearest("server.port", keys), Some("server.bind"));
        assert_eq!(nearest("log.levl", keys), Some("log.level"));
        assert_eq!(nearest("zzzzzzzzzzzzzzzzzzzz", keys), None);
    }
}
