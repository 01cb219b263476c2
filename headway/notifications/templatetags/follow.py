"""`{% follow_button "objective" objective %}`: the Follow / Unfollow button of a page.

The caller's follows are read once per request (one query, by the `followed_subjects`
context processor, only on a page that shows a button), so a page with a button per key
result costs the same as one with a single button."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("notifications/_follow.html", takes_context=True)
def follow_button(context: template.Context, subject_type: str, subject: Any) -> dict[str, Any]:
    followed = context.get("followed_subjects") or {}
    return {
        "subject_type": subject_type,
        "key": subject.key,
        "title": getattr(subject, "title", None) or getattr(subject, "name", ""),
        "following": subject.pk in followed.get(subject_type, ()),
        "csrf_token": context.get("csrf_token"),
    }
