"""Admin hooks of newsletter composition: sender identities, test sends."""
