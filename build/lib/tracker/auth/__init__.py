"""People: logins, roles, the units a user may see, sign-in and tokens."""
