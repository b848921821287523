"""Tests of scms.services.common: the HTTP edge, databases and migrations, the job queue, peer clients."""
