"""How API callers prove who they are: a personal access token, or the web session.

Both answer with the caller's `Membership` (user + workspace + role), which ninja puts on
`request.auth`; every endpoint hands it to `headway.access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from headway.accounts.models import ApiToken, Membership, hash_token
from headway.accounts.tokens import note_use
from headway.pages.middleware import current_membership

if TYPE_CHECKING:

    class ApiRequest(HttpRequest):
        auth: Membership

else:
    ApiRequest = HttpRequest

MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a personal access token of one user in one workspace."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = ApiToken.objects.filter(digest=hash_token(token)).only(
            "id", "prefix", "user_id", "workspace_id", "expires_at", "revoked_at", "last_used_at"
        )
        api_token = row.first()
        if api_token is None or not api_token.is_active:
            return None
        membership = (
            Membership.objects.select_related("user", "workspace")
            .filter(user_id=api_token.user_id, workspace_id=api_token.workspace_id)
            .first()
        )
        if membership is None or not membership.user.is_active:
            return None
        note_use(api_token)  # at most once a minute; never fails the request
        return membership


class WorkspaceSessionAuth(SessionAuth):
    """The web pages' own calls: the signed-in user's membership in the session's workspace.

    The workspace is the pages' own (`headway.pages.middleware.current_membership`), so a call
    made from a page acts where the page does. CSRF is enforced whenever a session cookie is sent.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session: let the answer be 401, not a CSRF 403
        return super()._get_key(request)

    def __call__(self, request: HttpRequest) -> Any:
        key = self._get_key(request)
        return self.authenticate(request, key) if key else None

    def authenticate(self, request: HttpRequest, key: str | None) -> Membership | None:
        return current_membership(request)
