//! The tables, one portable description for both backends (Text, BigInt, Integer, Bool, Timestamp).
//! Written by hand to match `migrations/{sqlite,postgres}`; a test loads every table on both.
// The table! macro generates modules and columns that cannot carry docs of their own; the tables are
// described in docs/architecture.md.
#![allow(missing_docs)]

diesel::table! {
    contacts (id) {
        id -> BigInt,
        wa_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        profile_name -> Nullable<Text>,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        last_inbound_at -> Nullable<Timestamp>,
        marketing_opt_out_at -> Nullable<Timestamp>,
        marketing_opt_out_reason -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> BigInt,
        received_at -> Timestamp,
        body -> Text,
        item_count -> Integer,
        processed_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    inbound_items (id) {
        id -> BigInt,
        event_id -> BigInt,
        dedupe_key -> Text,
        kind -> Text,
        contact_id -> BigInt,
        occurred_at -> Timestamp,
        payload -> Text,
        state -> Text,
        done_at -> Nullable<Timestamp>,
        attempts -> Integer,
        retry_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (contact_id) {
        contact_id -> BigInt,
        state -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
        node -> Nullable<Text>,
    }
}

diesel::table! {
    operators (id) {
        id -> BigInt,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    operator_sessions (id_hash) {
        id_hash -> Text,
        operator_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        contact_id -> BigInt,
        direction -> Text,
        wa_message_id -> Nullable<Text>,
        kind -> Text,
        body -> Text,
        status -> Text,
        status_rank -> Integer,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        read_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        error_code -> Nullable<BigInt>,
        error_title -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> BigInt,
        contact_id -> BigInt,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        origin_at -> Nullable<Timestamp>,
        priority -> Integer,
    }
}

diesel::table! {
    contact_changes (id) {
        id -> BigInt,
        contact_id -> BigInt,
        change -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    handoffs (id) {
        id -> BigInt,
        contact_id -> BigInt,
        state -> Text,
        agent -> Nullable<Text>,
        reason -> Text,
        opened_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        first_reply_at -> Nullable<Timestamp>,
        last_activity_at -> Timestamp,
        unanswered_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        message_left -> Nullable<Text>,
    }
}

diesel::table! {
    handoff_events (id) {
        id -> BigInt,
        handoff_id -> BigInt,
        event -> Text,
        actor -> Nullable<Text>,
        text -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    menu_events (id) {
        id -> BigInt,
        contact_id -> BigInt,
        event -> Text,
        node -> Nullable<Text>,
        at -> Timestamp,
        option_key -> Nullable<Integer>,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        customer -> Text,
        number -> Text,
        status -> Text,
        items -> Text,
        placed_on -> Text,
        expected_delivery -> Nullable<Text>,
        tracking_note -> Nullable<Text>,
        contact_id -> Nullable<BigInt>,
        tracking_url -> Nullable<Text>,
    }
}

diesel::table! {
    defect_tickets (id) {
        id -> BigInt,
        reference -> Text,
        customer -> Text,
        order_number -> Nullable<Text>,
        description -> Text,
        photo_media_id -> Nullable<Text>,
        status -> Text,
        opened_at -> Timestamp,
        contact_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    defect_ticket_history (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        status -> Text,
        at -> Timestamp,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    schedule_entries (id) {
        id -> BigInt,
        customer -> Text,
        day -> Text,
        starts -> Text,
        ends -> Text,
        kind -> Text,
        status -> Text,
        note -> Nullable<Text>,
        contact_id -> Nullable<BigInt>,
        reference -> Nullable<Text>,
    }
}

diesel::table! {
    feedback (id) {
        id -> BigInt,
        customer -> Text,
        text -> Text,
        created_at -> Timestamp,
        contact_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    daily_figures (day) {
        day -> Date,
        inbound -> BigInt,
        outbound -> BigInt,
        accepted -> BigInt,
        delivered -> BigInt,
        read -> BigInt,
        failed -> BigInt,
        waiting -> BigInt,
        failures -> Text,
        reply_times -> Text,
        claim -> BigInt,
        computed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    node_visits (contact_id, node) {
        contact_id -> BigInt,
        node -> Text,
        last_entered_at -> Timestamp,
    }
}

diesel::table! {
    send_pace (phone_number_id) {
        phone_number_id -> Text,
        next_slot_us -> BigInt,
    }
}

diesel::table! {
    ticket_media (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        n -> Integer,
        media_id -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        sha256 -> Nullable<Text>,
        mime_type -> Nullable<Text>,
        size -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        stored_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    templates (id) {
        id -> BigInt,
        meta_id -> Nullable<Text>,
        name -> Text,
        language -> Text,
        category -> Text,
        status -> Text,
        quality -> Nullable<Text>,
        reason -> Nullable<Text>,
        components -> Text,
        parameter_format -> Text,
        parameters -> Text,
        synced_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        name -> Text,
        template_id -> BigInt,
        state -> Text,
        stop_reason -> Nullable<Text>,
        messages_per_second -> Double,
        slowed_until -> Nullable<Timestamp>,
        paced_at -> Timestamp,
        starts_at -> Timestamp,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        recipient_count -> BigInt,
    }
}

diesel::table! {
    campaign_recipients (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        wa_id -> Text,
        body -> Text,
        state -> Text,
        skip_reason -> Nullable<Text>,
        contact_id -> Nullable<BigInt>,
        message_id -> Nullable<BigInt>,
        fed_at -> Nullable<Timestamp>,
        taken_over -> Integer,
    }
}

diesel::joinable!(inbound_items -> contacts (contact_id));
diesel::joinable!(inbound_items -> webhook_events (event_id));
diesel::joinable!(sessions -> contacts (contact_id));
diesel::joinable!(contact_changes -> contacts (contact_id));
diesel::joinable!(messages -> contacts (contact_id));
diesel::joinable!(outbox -> messages (message_id));
diesel::joinable!(defect_ticket_history -> defect_tickets (ticket_id));
diesel::joinable!(operator_sessions -> operators (operator_id));
diesel::joinable!(handoffs -> contacts (contact_id));
diesel::joinable!(handoff_events -> handoffs (handoff_id));
diesel::joinable!(ticket_media -> defect_tickets (ticket_id));

diesel::allow_tables_to_appear_in_same_query!(
    contact_changes,
    contacts,
    webhook_events,
    inbound_items,
    sessions,
    messages,
    outbox,
    menu_events,
    orders,
    defect_tickets,
    defect_ticket_history,
    schedule_entries,
    feedback,
    operators,
    operator_sessions,
    handoffs,
    handoff_events,
    daily_figures,
    node_visits,
    send_pace,
    ticket_media,
    templates,
    campaigns,
    campaign_recipients,
);
diesel::joinable!(campaigns -> templates (template_id));
diesel::joinable!(campaign_recipients -> campaigns (campaign_id));
diesel::joinable!(campaign_recipients -> messages (message_id));
