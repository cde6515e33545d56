"""Content labels for AI-generated output: visible, implicit (GB 45438-2025 XMP) and C2PA.

``label_image`` takes a buyer's output image and returns a JPEG that carries:

- a visible label (GB 45438-2025 explicit label) in Chinese and English, burnt into a band at the
  bottom: both languages always, whatever the request's language, because the label is for viewers;
- the implicit label in XMP, namespace ``http://www.tc260.org.cn/ns/AIGC/1.0/`` (prefix ``TC260``),
  property ``AIGC`` holding the JSON object of the standard's fields (Label, ContentProducer,
  ProduceID, ReservedCode1, ContentPropagator, PropagateID, ReservedCode2);
- a C2PA manifest signed with the platform's certificate chain: ``c2pa.actions`` (created, digital
  source type trainedAlgorithmicMedia) and a ``com.facelicencemarket.licence`` assertion carrying the
  licence reference and its signed credential.

Only still images here (JPEG, PNG, WebP in; JPEG out); video is not labelled yet.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import c2pa
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from kernel.errors import ServiceError
from marketplace.conf import market_settings
from marketplace.trust.c2pa_keys import label_signing_chain

AIGC_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
LICENCE_ASSERTION = "com.facelicencemarket.licence"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
XMP_MARKER = b"http://ns.adobe.com/xap/1.0/\x00"
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


class LabelRefused(ServiceError):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message, code=code)
        self.status = self.status_code = status


def visible_label_lines(reference: str) -> tuple[str, str]:
    """The explicit label, in Chinese then English (fixed text: it is shown to any viewer)."""
    return (
        f"AI生成 · 真人肖像经授权使用 · 许可编号 {reference}",
        f"AI-generated · likeness used under licence {reference}",
    )


def label_font_path() -> str | None:
    configured = market_settings.LABEL_FONT_PATH
    if configured:
        return configured
    return next((path for path in CJK_FONTS if Path(path).exists()), None)


def image_intake(data: bytes) -> Image.Image:
    """A decoded RGB image, refusing what is too big, not an image, or broken, before any work."""
    if len(data) > int(market_settings.LABEL_IMAGE_MAX_BYTES):
        raise LabelRefused("file_too_large", "The file is larger than the limit.", status=413)
    if not data:
        raise LabelRefused("empty_file", "The file is empty.")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise LabelRefused(
            "image_too_large", "The image has more pixels than the limit.", status=413
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise LabelRefused(
            "not_an_image", "The file is not a JPEG, PNG or WebP image, nor an MP4 video."
        ) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise LabelRefused("not_an_image", "The file is not a JPEG, PNG or WebP image.")
    if image.width * image.height > int(market_settings.LABEL_IMAGE_MAX_PIXELS):
        raise LabelRefused("image_too_large", "The image has more pixels than the limit.", status=413)
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise LabelRefused("image_unreadable", "The image is damaged and cannot be read.") from exc
    return image.convert("RGB")


def _draw_visible_label(image: Image.Image, lines: tuple[str, str]) -> Image.Image:
    size = max(12, image.width // 40)
    path = label_font_path()
    font = ImageFont.truetype(path, size) if path else ImageFont.load_default(size)
    shown = lines if path else lines[1:]  # without a CJK font only English can be drawn (check W103)
    band = int(size * 1.5 * len(shown) + size * 0.6)
    labelled = image.copy()
    draw = ImageDraw.Draw(labelled, "RGBA")
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 170))
    y = image.height - band + int(size * 0.3)
    for line in shown:
        draw.text((int(size * 0.5), y), line, font=font, fill=(255, 255, 255, 255))
        y += int(size * 1.5)
    return labelled


def aigc_fields(*, producer: str, produce_id: str, reference: str) -> dict:
    return {
        "Label": "1",  # 1: AI-generated content
        "ContentProducer": producer,
        "ProduceID": produce_id,
        "ReservedCode1": f"fm-licence:{reference}",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }


def xmp_packet(fields: dict) -> bytes:
    value = '"' + escape(json.dumps(fields, ensure_ascii=False, separators=(",", ":")), {'"': "&quot;"}) + '"'
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:TC260="{AIGC_NS}" TC260:AIGC={value}/>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def manifest_json(*, title: str, reference: str, credential: str, produce_id: str, verify_url: str) -> str:
    return json.dumps(
        {
            "claim_generator_info": [{"name": "Face Licence Market", "version": "1"}],
            "title": title,
            "assertions": [
                {
                    "label": "c2pa.actions",
                    "data": {
                        "actions": [
                            {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}
                        ]
                    },
                },
                {
                    "label": LICENCE_ASSERTION,
                    "data": {
                        "reference": reference,
                        "credential": credential,
                        "produce_id": produce_id,
                        "verify_url": verify_url,
                    },
                },
            ],
        }
    )


def label_image(
    *, data: bytes, reference: str, credential: str, produce_id: str, producer: str, verify_url: str
) -> bytes:
    """The labelled JPEG of ``data`` (see the module docstring)."""
    image = _draw_visible_label(image_intake(data), visible_label_lines(reference))
    xmp = xmp_packet(aigc_fields(producer=producer, produce_id=produce_id, reference=reference))
    source = io.BytesIO()
    image.save(source, "JPEG", quality=92, xmp=xmp)
    source.seek(0)
    chain, private_key = label_signing_chain()
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(alg=b"es256", sign_cert=chain, private_key=private_key, ta_url=None)
    )
    output = io.BytesIO()
    manifest = manifest_json(
        title=f"{reference}.jpg",
        reference=reference,
        credential=credential,
        produce_id=produce_id,
        verify_url=verify_url,
    )
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/jpeg", source, output)
    return output.getvalue()


@dataclass(frozen=True)
class LabelsFound:
    aigc: dict | None  # the GB 45438-2025 implicit label fields, if present
    c2pa_licence: dict | None  # our licence assertion, if a manifest carries it
    c2pa_digital_source_type: str | None
    c2pa_validation_state: str | None  # "Valid", "Trusted" or "Invalid" (c2pa's words)
    c2pa_validation_codes: list[str]


def _xmp_segments(data: bytes) -> list[bytes]:
    """XMP packets from JPEG APP1 segments (walks markers; stops at the image data)."""
    found, position = [], 2
    if not data.startswith(b"\xff\xd8"):
        return found
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker in (0xD9, 0xDA):
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE1 and segment.startswith(XMP_MARKER):
            found.append(segment[len(XMP_MARKER) :])
        position += 2 + length
    return found


def aigc_from_xmp(packet: bytes) -> dict | None:
    """The AIGC field of an XMP packet, found without an XML parser (no entity expansion of untrusted
    input): the prefix bound to the TC260 namespace, then its ``AIGC`` attribute or element."""
    text = packet.decode("utf-8", "replace")
    prefix = re.search(r'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(AIGC_NS) + r'["\']', text)
    if prefix is None:
        return None
    name = re.escape(prefix.group(1)) + ":AIGC"
    found = re.search(name + r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", text) or re.search(
        "<" + name + r">([^<]*)</" + name + ">", text
    )
    if found is None:
        return None
    try:
        parsed = json.loads(html.unescape(next(group for group in found.groups() if group is not None)))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def c2pa_labels(mime: str, data: bytes) -> dict:
    """Our licence assertion, the digital source type and c2pa's validation of a file's manifest."""
    found = {"c2pa_licence": None, "c2pa_digital_source_type": None, "c2pa_validation_state": None}
    try:
        with c2pa.Reader(mime, io.BytesIO(data)) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except c2pa.C2paError:
        return {**found, "c2pa_validation_codes": []}
    manifest = (store.get("manifests") or {}).get(store.get("active_manifest") or "", {})
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label") == LICENCE_ASSERTION:
            found["c2pa_licence"] = assertion.get("data")
        elif assertion.get("label", "").startswith("c2pa.actions"):
            actions = (assertion.get("data") or {}).get("actions") or [{}]
            found["c2pa_digital_source_type"] = actions[0].get("digitalSourceType")
    found["c2pa_validation_state"] = str(state) if state else None
    found["c2pa_validation_codes"] = [item.get("code", "") for item in store.get("validation_status") or []]
    return found


def labels_read(data: bytes) -> LabelsFound:
    """Both labels of a file (image or MP4/QuickTime video), if any; the caller verifies the credential."""
    from marketplace.trust.labels_video import is_bmff, video_labels_read

    if is_bmff(data):
        return video_labels_read(data)
    image_intake(data)  # the same refusals as labelling: too large, not an image, damaged
    aigc = next((fields for fields in map(aigc_from_xmp, _xmp_segments(data)) if fields), None)
    if not data.startswith(b"\xff\xd8"):
        return LabelsFound(aigc, None, None, None, [])
    return LabelsFound(aigc=aigc, **c2pa_labels("image/jpeg", data))


def label_media(**kwargs) -> tuple[bytes, str]:
    """(labelled file, its MIME type): a still becomes a labelled JPEG, a video keeps its frames."""
    from marketplace.trust.labels_video import is_bmff, label_video

    if is_bmff(kwargs["data"]):
        return label_video(**kwargs)
    return label_image(**kwargs), "image/jpeg"
