"""The annual follow-up report: built from the database (``build``) into plain data
(``content``), rendered as a web page and a tagged PDF (``views``) and a Word file (``word``),
the files cached by their content (``files``)."""
