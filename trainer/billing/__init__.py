"""The billing office (no Flask): posting remittances, patient balances, statements, A/R follow-up."""
