"""`python -m jobs`: the scheduler in its own process (the same as `tracker scheduler`)."""

from jobs.scheduler import main

main()
