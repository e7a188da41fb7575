"""Wire formats: readers for intake, writers for answers and outbound files."""
