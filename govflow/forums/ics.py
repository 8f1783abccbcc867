"""An iCalendar (RFC 5545) invitation for a meeting: one VEVENT, times in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta

from govflow.clock import utcnow

DEFAULT_HOURS = 2


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting, *, uid_host: str, url: str = "", now: datetime | None = None,
                leave_out=frozenset()) -> str:
    """The meeting as a calendar file. The UID is stable per meeting, and SEQUENCE follows
    the meeting's version, so a re-downloaded invitation updates the same calendar entry."""
    ends = meeting.ends_at or meeting.starts_at + timedelta(hours=DEFAULT_HOURS)
    # leave_out: restricted items the calendar's reader may not see.
    agenda = "\n".join(f"{a.position}. {a.title}" for a in sorted(meeting.agenda, key=lambda a: a.position)
                       if a.item_id not in leave_out)
    description = f"Chair: {meeting.chair.display_name if meeting.chair else 'to be confirmed'}"
    if agenda:
        description += f"\n\nDraft agenda:\n{agenda}"
    if url:
        description += f"\n\n{url}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//govflow//Governance forums//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:govflow-meeting-{meeting.id}@{uid_host}",
        f"DTSTAMP:{_utc(now or utcnow())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(ends)}",
        f"SEQUENCE:{max(0, (meeting.version or 1) - 1)}",
        f"SUMMARY:{escape_text(meeting.forum.name)}",
        f"LOCATION:{escape_text(meeting.place or meeting.forum.place or '')}",
        f"DESCRIPTION:{escape_text(description)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)

