"""Importing a plan (``planfile``) and indicator values (``indicatorfile``) from files, and their
error messages (``messages``). The parsers have no Django import; keep this file free of imports."""
