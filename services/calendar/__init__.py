"""services.calendar."""
