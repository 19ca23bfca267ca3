"""What an uploaded file is, judged from its first bytes, never from its name."""

# First bytes → (content type, file extension) for the plain document and image types.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def sniff_signature(head: bytes) -> tuple[str, str] | None:
    """The content type and extension of a PDF, JPEG or PNG file; None for anything else."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None
