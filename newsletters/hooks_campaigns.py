"""Admin hooks of campaigns: the send wizard, progress and reports."""
