"""The simulated payer (no Flask): profiles, pricing, adjudication. See profiles.py for what is a
practice value."""
