"""Who is who: roles, volunteers and their sign-up, residents, privacy and retention."""
