//! Operators and their sessions: unique names, a session found by its hash until it idles out,
//! expires, is closed, or its operator is disabled, re-passworded or removed.

use chrono::TimeDelta;
use wabot_app::{NewOperatorSession, OperatorChange, Operators, Role, StoreError};
use wabot_store::DieselStore;

use crate::support::noon;

fn session(hash: &str, operator_id: i64) -> NewOperatorSession {
    NewOperatorSession {
        id_hash: hash.to_owned(),
        operator_id,
        csrf_token: format!("csrf-{hash}"),
        at: noon(),
    }
}

crate::both_backends!(operators_are_unique_and_changeable, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let ana = store
        .add_operator("ana", Role::Admin, "$hash-a", noon())
        .await
        .unwrap();
    assert_eq!(
        (ana.name.as_str(), ana.role, ana.disabled),
        ("ana", Role::Admin, false)
    );
    let again = store.add_operator("ana", Role::Agent, "$x", noon()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    store
        .add_operator("bo", Role::Agent, "$hash-b", noon())
        .await
        .unwrap();

    let names: Vec<_> = store
        .list_operators()
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.name, o.role))
        .collect();
    assert_eq!(
        names,
        [
            ("ana".to_owned(), Role::Admin),
            ("bo".to_owned(), Role::Agent)
        ]
    );

    assert!(
        store
            .change_operator("bo", OperatorChange::Role(Role::Admin))
            .await
            .unwrap()
    );
    assert!(
        !store
            .change_operator("nobody", OperatorChange::Disabled(true))
            .await
            .unwrap()
    );
    let bo = store.credentials("bo").await.unwrap().unwrap();
    assert_eq!(
        (bo.operator.role, bo.password_hash.as_str()),
        (Role::Admin, "$hash-b")
    );
    assert!(store.remove_operator("bo").await.unwrap());
    assert!(store.credentials("bo").await.unwrap().is_none());
    assert!(!store.remove_operator("bo").await.unwrap());
});

crate::both_backends!(sessions_end_as_they_should, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let ana = store
        .add_operator("ana", Role::Agent, "$h", noon())
        .await
        .unwrap();
    let find = |hash: &'static str, minutes: i64| {
        let store = store.clone();
        async move {
            let now = noon() + TimeDelta::minutes(minutes);
            store
                .session(
                    hash,
                    now,
                    now - TimeDelta::minutes(30),
                    now - TimeDelta::hours(12),
                )
                .await
                .unwrap()
        }
    };

    store.open_session(session("s1", ana.id)).await.unwrap();
    let found = find("s1", 0).await.unwrap();
    assert_eq!(
        (found.operator.name.as_str(), found.csrf_token.as_str()),
        ("ana", "csrf-s1")
    );
    assert!(found.operator.last_login_at.is_some());
    assert!(find("other", 0).await.is_none());
    // Used every 20 minutes it stays alive past the idle timeout, until the absolute limit.
    for minutes in (1..=35).map(|n| n * 20) {
        assert!(find("s1", minutes).await.is_some(), "at {minutes} minutes");
    }
    assert!(find("s1", 721).await.is_none(), "older than 12 hours");
    assert!(find("s1", 0).await.is_none(), "deleted once expired");

    store.open_session(session("s2", ana.id)).await.unwrap();
    assert!(
        find("s2", 31).await.is_none(),
        "idle for more than 30 minutes"
    );

    store.open_session(session("s3", ana.id)).await.unwrap();
    store.close_session("s3").await.unwrap();
    assert!(find("s3", 0).await.is_none(), "logged out");
    store.close_session("s3").await.unwrap();

    for change in [
        OperatorChange::Password("$new".into()),
        OperatorChange::Disabled(true),
    ] {
        store
            .change_operator("ana", OperatorChange::Disabled(false))
            .await
            .unwrap();
        store.open_session(session("s4", ana.id)).await.unwrap();
        assert!(find("s4", 0).await.is_some());
        store.change_operator("ana", change.clone()).await.unwrap();
        assert!(find("s4", 0).await.is_none(), "after {change:?}");
    }
    store
        .change_operator("ana", OperatorChange::Disabled(false))
        .await
        .unwrap();
    store.open_session(session("s5", ana.id)).await.unwrap();
    store.remove_operator("ana").await.unwrap();
    assert!(find("s5", 0).await.is_none(), "operator removed");
});
