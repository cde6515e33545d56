"""Content labels for AI-generated video (MP4 / QuickTime): implicit XMP label and C2PA manifest.

The video is not re-encoded (no frame or audio is touched): the GB 45438-2025 implicit label goes into
a top-level XMP ``uuid`` box (the ISO BMFF place for XMP), then c2pa signs the file, its hash covering
that box. The explicit (visible) label must be part of the producer's edit (GB 45438-2025 asks for it at
the start of the video and in the player); the page and API give its text in Chinese and English.
"""

from __future__ import annotations

import io

import c2pa

from marketplace.conf import market_settings
from marketplace.trust.c2pa_keys import label_signing_chain
from marketplace.trust.labels import LabelRefused, aigc_from_xmp

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
VIDEO_BRANDS_QUICKTIME = (b"qt  ",)


def is_bmff(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp"


def _boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Top-level boxes as (type, start, end); raises ValueError if the structure does not add up."""
    boxes, position = [], 0
    while position < len(data):
        if position + 8 > len(data):
            raise ValueError("truncated box header")
        size = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        header = 8
        if size == 1:
            if position + 16 > len(data):
                raise ValueError("truncated large box header")
            size, header = int.from_bytes(data[position + 8 : position + 16], "big"), 16
        elif size == 0:
            size = len(data) - position
        if size < header or position + size > len(data):
            raise ValueError("box size out of range")
        boxes.append((kind, position, position + size))
        position += size
    return boxes


def video_intake(data: bytes) -> str:
    """The MIME type of a well-formed MP4 / QuickTime file within the limits, else ``LabelRefused``."""
    if len(data) > int(market_settings.LABEL_VIDEO_MAX_BYTES):
        raise LabelRefused("file_too_large", "The file is larger than the limit.", status=413)
    try:
        kinds = [kind for kind, _start, _end in _boxes(data)]
    except ValueError as exc:
        raise LabelRefused("video_unreadable", "The video is damaged and cannot be read.") from exc
    if not kinds or kinds[0] != b"ftyp" or b"moov" not in kinds or b"mdat" not in kinds:
        raise LabelRefused("video_unreadable", "The video is damaged and cannot be read.")
    return "video/quicktime" if data[8:12] in VIDEO_BRANDS_QUICKTIME else "video/mp4"


def _xmp_box(packet: bytes) -> bytes:
    body = b"uuid" + XMP_UUID + packet
    return (len(body) + 4).to_bytes(4, "big") + body


def label_video(
    *, data: bytes, reference: str, credential: str, produce_id: str, producer: str, verify_url: str
) -> tuple[bytes, str]:
    """(labelled video, its MIME type)."""
    from marketplace.trust.labels import aigc_fields, manifest_json, xmp_packet

    mime = video_intake(data)
    xmp = xmp_packet(aigc_fields(producer=producer, produce_id=produce_id, reference=reference))
    source = io.BytesIO(data + _xmp_box(xmp))
    chain, private_key = label_signing_chain()
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(alg=b"es256", sign_cert=chain, private_key=private_key, ta_url=None)
    )
    output = io.BytesIO()
    extension = "mov" if mime == "video/quicktime" else "mp4"
    manifest = manifest_json(
        title=f"{reference}.{extension}",
        reference=reference,
        credential=credential,
        produce_id=produce_id,
        verify_url=verify_url,
    )
    try:
        with c2pa.Builder(manifest) as builder:
            builder.sign(signer, mime, source, output)
    except c2pa.C2paError as exc:
        raise LabelRefused("video_unreadable", "The video is damaged and cannot be read.") from exc
    return output.getvalue(), mime


def video_labels_read(data: bytes):
    """Both labels of a video (the same shape as ``labels.labels_read``)."""
    from marketplace.trust.labels import LabelsFound, c2pa_labels

    mime = video_intake(data)
    aigc = None
    for kind, start, end in _boxes(data):
        if kind == b"uuid" and data[start + 8 : start + 24] == XMP_UUID:
            aigc = aigc_from_xmp(data[start + 24 : end])
            if aigc:
                break
    return LabelsFound(aigc=aigc, **c2pa_labels(mime, data))
