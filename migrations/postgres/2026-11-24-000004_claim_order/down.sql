DROP INDEX inbound_items_claim_order;
