"""``python -m orderport.formats.status_files`` regenerates the two published schemas."""

from orderport.formats.status_files.schema_export import main

raise SystemExit(main())
