"""Jobs: their states, their scripts, and the service that is the only writer of job rows."""
