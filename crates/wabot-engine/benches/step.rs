//! Criterion benchmarks of one engine step: menu navigation, and one form answer.
//!
//! `cargo bench -p wabot-engine --bench step`; figures go to docs/performance.md.

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use wabot_engine::{
    ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData, Input, Menu,
};

fn steps(c: &mut Criterion) {
    let engine =
        Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap_or_else(|e| panic!("{e}")));
    let now = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut data = InMemoryBusinessData::demo(now.date_naive());
    let run = |state: &ConversationState, text: &str, data: &mut InMemoryBusinessData| {
        engine
            .step(now, state, &Input::text(text), data)
            .unwrap_or_else(|never| match never {})
    };

    // At the main menu, "1" opens Order Status.
    let at_main = run(&ConversationState::new(DEMO_CUSTOMER), "hi", &mut data).state;
    let input = Input::text("1");
    c.bench_function("navigate: main -> Order Status", |b| {
        b.iter(|| engine.step(now, black_box(&at_main), black_box(&input), &mut data))
    });

    // In the defect form, at the description question: a valid answer moves to the photo question.
    let at_description = ["2", "1", "ORD-002"]
        .iter()
        .fold(at_main.clone(), |state, text| {
            run(&state, text, &mut data).state
        });
    let answer = Input::text("The desk leg snapped off after two days.");
    c.bench_function("form: answer the description", |b| {
        b.iter(|| {
            engine.step(
                now,
                black_box(&at_description),
                black_box(&answer),
                &mut data,
            )
        })
    });

    // A word it does not understand: the "didn't understand" text plus the menu again.
    let garbage = Input::text("what is this?");
    c.bench_function("not understood at main", |b| {
        b.iter(|| engine.step(now, black_box(&at_main), black_box(&garbage), &mut data))
    });
}

criterion_group!(benches, steps);
criterion_main!(benches);
